// Counters for Stratum.stats(): shares by outcome, blocks, pool hashrate. Per-worker figures come from the
// live connections.

import type { RejectReason } from "./errors.ts";
import { HashrateMeter } from "./hashrate.ts";

export interface WorkerStats {
  address: string;
  worker: string;
  mode: "pplns" | "solo";
  connections: number;
  difficulty: number;
  /** H/s over the last 10 minutes (or since the connection started, when shorter). */
  hashrate: number;
  accepted: number;
  rejected: number;
}

export interface StratumStats {
  connections: number;
  workers: WorkerStats[];
  /** H/s over the last 10 minutes of accepted shares, all ports (since start-up, when that is shorter). */
  hashrate: number;
  /** H/s over the last minute: follows a change quickly, but swings with share luck. */
  hashrate1m: number;
  shares: { accepted: number; rejected: Record<RejectReason, number> };
  /** Blocks by what the nodes answered; unanswered ones are resubmitted and followed by accounting. */
  blocks: { found: number; accepted: number; rejected: number; unanswered: number };
  /** Template followers (solo ones bounded by stratum.solo.maxAddresses) and the jobs they cache. */
  templates: { followers: number; soloFollowers: number; jobs: number };
}

export const HASHRATE_WINDOW_SECONDS = 600;
export const SHORT_HASHRATE_WINDOW_SECONDS = 60;

export class StatsCounters {
  accepted = 0;
  readonly rejected: Record<RejectReason, number> = {
    unauthorized: 0, "job-not-found": 0, malformed: 0, duplicate: 0, "low-difficulty": 0,
  };
  readonly blocks = { found: 0, accepted: 0, rejected: 0, unanswered: 0 };
  readonly pool: HashrateMeter;
  readonly poolShort: HashrateMeter;

  constructor(now: number) {
    this.pool = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
    this.poolShort = new HashrateMeter(SHORT_HASHRATE_WINDOW_SECONDS, now);
  }

  shareAccepted(difficulty: number, now: number): void {
    this.accepted++;
    this.pool.add(difficulty, now);
    this.poolShort.add(difficulty, now);
  }

  shareRejected(reason: RejectReason): void {
    this.rejected[reason]++;
  }

  blockFound(outcome: "accepted" | "rejected" | "unanswered"): void {
    this.blocks.found++;
    this.blocks[outcome]++;
  }
}
