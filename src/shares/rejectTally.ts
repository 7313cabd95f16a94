// Refused shares counted per (address, worker, mode, minute, reason) between two share batches; the recorder
// writes the tally after its next batch. Bounded: past MAX_KEYS, counts under new keys are dropped, so a flood of
// junk worker names while the database is away cannot grow memory without limit.

import type { RejectReason } from "../stratum/errors.ts";
import type { RejectedShare } from "./types.ts";

export interface RejectCount {
  address: string;
  worker: string;
  mode: RejectedShare["mode"];
  /** Unix ms of the minute's start. */
  minute: number;
  reason: RejectReason;
  count: number;
}

const MAX_KEYS = 100_000;

export class RejectTally {
  private counts = new Map<string, RejectCount>();

  get size(): number {
    return this.counts.size;
  }

  add(r: RejectedShare): void {
    const minute = Math.floor(r.timestamp / 60_000) * 60_000;
    this.bump({ address: r.address, worker: r.worker, mode: r.mode, minute, reason: r.reason, count: 1 });
  }

  /** Everything counted so far; the tally starts again empty. */
  take(): RejectCount[] {
    const all = [...this.counts.values()];
    this.counts = new Map();
    return all;
  }

  /** Puts back counts whose write failed, so the next batch carries them. */
  restore(counts: readonly RejectCount[]): void {
    for (const c of counts) this.bump({ ...c });
  }

  private bump(c: RejectCount): void {
    const key = `${c.address}\u0000${c.worker}\u0000${c.mode}\u0000${c.minute}\u0000${c.reason}`;
    const have = this.counts.get(key);
    if (have) have.count += c.count;
    else if (this.counts.size < MAX_KEYS) this.counts.set(key, c);
  }
}
