// What stratum tells an observer (metrics) as it happens. Calls are synchronous and must stay cheap: the share
// and block paths never wait for an observer.

import type { RejectReason } from "./errors.ts";

export type Mode = "pplns" | "solo";
/** Reject reasons as metrics name them: the stats' reasons, plus work refused as stale during a node outage. */
export type ObservedReject = RejectReason | "stale";

export interface WorkerRef {
  address: string;
  worker: string;
}

export interface StratumObserver {
  connected(port: string): void;
  /** `pool` when the pool closed the connection (ban, timeout, share-rate cap), `miner` otherwise. */
  disconnected(port: string, by: "pool" | "miner"): void;
  shareAccepted(port: string, mode: Mode, who: WorkerRef, difficulty: number, validationSeconds: number, at: number): void;
  shareRejected(port: string, mode: Mode, who: WorkerRef | null, reason: ObservedReject, at: number): void;
  /** A new job reached all of its miners `seconds` after its template arrived. */
  jobBroadcast(networkDifficulty: number, daaScore: bigint, seconds: number): void;
  blockFound(mode: Mode, result: "accepted" | "rejected" | "unanswered", submitSeconds: number, who: WorkerRef, at: number): void;
}

const noop = () => {};
export const silentObserver: StratumObserver = {
  connected: noop, disconnected: noop, shareAccepted: noop, shareRejected: noop, blockFound: noop, jobBroadcast: noop,
};
