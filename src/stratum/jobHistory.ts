// The jobs sent to one connection, each with the share difficulty in force when it was sent: a share is judged
// by the difficulty of ITS job, so a vardiff change never applies to work the miner had before hearing of it
// (peers.md bug 1, last item).

import { difficultyToTarget } from "../kaspa/target.ts";

export interface SentJob {
  id: string;
  difficulty: number;
  /** floor(2^224 / difficulty): a share needs pow < shareTarget. */
  shareTarget: bigint;
}

/**
 * Share targets by difficulty: every connection on a port usually has one of a few difficulties, and a
 * broadcast to 10,000 connections otherwise divides 10,000 bigints (~7 ms). Bounded: vardiff can produce many.
 */
const targets = new Map<number, bigint>();
const MAX_CACHED_TARGETS = 4096;

function shareTargetFor(difficulty: number): bigint {
  let target = targets.get(difficulty);
  if (target === undefined) {
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(difficulty, (target = difficultyToTarget(difficulty)));
  }
  return target;
}

export class JobHistory {
  private readonly byId = new Map<string, SentJob>();
  private readonly order: string[] = [];

  constructor(private readonly capacity: number) {}

  add(id: string, difficulty: number, shareTarget = shareTargetFor(difficulty)): void {
    if (this.byId.has(id)) return;
    this.byId.set(id, { id, difficulty, shareTarget });
    this.order.push(id);
    if (this.order.length > this.capacity) this.byId.delete(this.order.shift()!);
  }

  get(id: string): SentJob | undefined {
    return this.byId.get(id);
  }

  /** Newest first, at most `limit`. */
  recent(limit: number): SentJob[] {
    const out: SentJob[] = [];
    for (let i = this.order.length - 1; i >= 0 && out.length < limit; i--) out.push(this.byId.get(this.order[i]!)!);
    return out;
  }

  get size(): number {
    return this.order.length;
  }
}
