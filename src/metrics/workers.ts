// The opt-in per-worker figures: at most `cap` workers, least recently seen dropped first, and none older than
// ten minutes since its last share. Label explosion from unbounded worker series is a known way to take a pool
// down (spec/observability.md: katpool ADR-0026), so the set is bounded by construction.

import { HashrateMeter } from "../stratum/hashrate.ts";
import type { Mode, ObservedReject } from "../stratum/observer.ts";

/** A worker's series go this long after its last share. */
const WORKER_LINGER_MS = 10 * 60_000;
const HASHRATE_WINDOW_SECONDS = 600;

/** Per-second counts over the last minute: the seed's "1min" figures as true sliding windows. */
export class MinuteWindow {
  private readonly counts = new Float64Array(60);
  private second: number;

  constructor(now: number) {
    this.second = Math.floor(now / 1000);
  }

  add(now: number, n = 1): void {
    this.advance(now);
    this.counts[this.second % 60]! += n;
  }

  total(now: number): number {
    this.advance(now);
    let sum = 0;
    for (let i = 0; i < 60; i++) sum += this.counts[i]!;
    return sum;
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    const steps = Math.min(second - this.second, 60);
    for (let i = 1; i <= steps; i++) this.counts[(this.second + i) % 60] = 0;
    if (second > this.second) this.second = second;
  }
}

export type Outcome = "submitted" | "accepted" | "invalid" | "duplicate" | "stale" | "block";

export interface WorkerEntry {
  address: string;
  worker: string;
  mode: Mode;
  difficulty: number;
  lastShareAt: number;
  meter: HashrateMeter;
  minute: Record<Outcome, MinuteWindow>;
}

export function outcomeOf(reason: ObservedReject): Outcome {
  if (reason === "duplicate") return "duplicate";
  if (reason === "stale" || reason === "job-not-found") return "stale";
  return "invalid";
}

export class WorkerSeries {
  /** Map order is recency order: a touch moves the worker to the end, eviction takes from the front. */
  private readonly entries = new Map<string, WorkerEntry>();

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Counts one event for a worker; only a share (accepted or not) keeps it alive. */
  record(address: string, worker: string, mode: Mode, outcome: Outcome, now: number, difficulty?: number): void {
    const key = `${mode}\n${address}\n${worker}`;
    let e = this.entries.get(key);
    if (e) this.entries.delete(key);
    else {
      e = { address, worker, mode, difficulty: 0, lastShareAt: now, meter: new HashrateMeter(HASHRATE_WINDOW_SECONDS, now), minute: newMinutes(now) };
      if (this.entries.size >= this.cap) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, e);
    e.lastShareAt = now;
    e.minute[outcome].add(now);
    if (outcome !== "block") e.minute.submitted.add(now);
    if (outcome === "accepted" && difficulty !== undefined) {
      e.difficulty = difficulty;
      e.meter.add(difficulty, now);
    }
  }

  /** Drops workers silent for ten minutes, then lists the rest. */
  live(now: number): WorkerEntry[] {
    for (const [key, e] of this.entries) {
      // Oldest first, so the first recent one ends the sweep.
      if (now - e.lastShareAt < WORKER_LINGER_MS) break;
      this.entries.delete(key);
    }
    return [...this.entries.values()];
  }
}

function newMinutes(now: number): Record<Outcome, MinuteWindow> {
  return {
    submitted: new MinuteWindow(now), accepted: new MinuteWindow(now), invalid: new MinuteWindow(now),
    duplicate: new MinuteWindow(now), stale: new MinuteWindow(now), block: new MinuteWindow(now),
  };
}
