// Turns history slots into evenly spaced series points. A slot longer than the bucket (an hour row in a
// 5-minute series) spreads its work evenly over the buckets it covers, so rolled-up history draws no spikes.

import type { CountRow, WorkRow } from "../db/apiQueries.ts";
import { hashrate, iso } from "./format.ts";
import type { SeriesRange } from "./params.ts";

export interface Point {
  time: string;
  hashrate: number;
}

/** Work per bucket (share units) per key (a worker name, or "" for the total). */
function bucketWork(rows: readonly WorkRow[], r: SeriesRange): Map<string, Float64Array> {
  const step = r.bucketSeconds * 1000;
  const n = (r.to - r.from) / step;
  const out = new Map<string, Float64Array>();
  for (const row of rows) {
    let work = out.get(row.worker);
    if (!work) out.set(row.worker, (work = new Float64Array(n)));
    const start = Number(row.slot_ms);
    const spanMs = row.span * 1000;
    const w = Number(row.work);
    if (spanMs <= step) {
      const i = Math.floor((start - r.from) / step);
      if (i >= 0 && i < n) work[i]! += w;
    } else {
      const parts = spanMs / step;
      for (let k = 0; k < parts; k++) {
        const i = Math.floor((start + k * step - r.from) / step);
        if (i >= 0 && i < n) work[i]! += w / parts;
      }
    }
  }
  return out;
}

export function hashrateSeries(rows: readonly WorkRow[], r: SeriesRange, networkHashrate: number | null, now: number): Point[] {
  const work = bucketWork(rows, r).get("") ?? new Float64Array((r.to - r.from) / (r.bucketSeconds * 1000));
  return points(work, r, networkHashrate, now);
}

/** Hashrate per bucket per worker: the per-worker lines of a miner's chart, without a time string per point. */
export function workerRates(rows: readonly WorkRow[], r: SeriesRange, networkHashrate: number | null, now: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [worker, work] of bucketWork(rows, r)) out.set(worker, rates(work, r, networkHashrate, now));
  return out;
}

function rates(work: Float64Array, r: SeriesRange, networkHashrate: number | null, now: number): Float64Array {
  const step = r.bucketSeconds * 1000;
  return work.map((w, i) => {
    const start = r.from + i * step;
    // The bucket still being filled is divided by the time it has covered so far.
    const seconds = Math.max(0, Math.min(step, now - start)) / 1000;
    return hashrate(w, seconds, networkHashrate);
  });
}

function points(work: Float64Array, r: SeriesRange, networkHashrate: number | null, now: number): Point[] {
  const step = r.bucketSeconds * 1000;
  return Array.from(rates(work, r, networkHashrate, now), (hashrate, i) => ({ time: iso(r.from + i * step)!, hashrate }));
}

const REJECT_REASONS = ["job_not_found", "duplicate", "low_difficulty", "malformed", "unauthorized"] as const;

/** Accepted and refused share counts per bucket, by reason. */
export function countSeries(rows: readonly CountRow[], r: SeriesRange) {
  const step = r.bucketSeconds * 1000;
  const n = (r.to - r.from) / step;
  const items = Array.from({ length: n }, (_, i) => ({
    time: iso(r.from + i * step)!, accepted: 0, rejected: Object.fromEntries(REJECT_REASONS.map((k) => [k, 0])) as Record<string, number>,
  }));
  for (const row of rows) {
    // Counts are whole: an hour row lands in the bucket holding its start.
    const i = Math.floor((Number(row.slot_ms) - r.from) / step);
    const item = items[i];
    if (!item) continue;
    item.accepted += Number(row.accepted);
    for (const k of REJECT_REASONS) item.rejected[k]! += Number(row[`rejected_${k}` as keyof CountRow]);
  }
  return items;
}
