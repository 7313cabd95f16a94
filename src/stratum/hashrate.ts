// Hashrate from accepted shares: a share of difficulty D stands for D·2^32 hashes on average (spec §3.6, §3.9;
// Miningcore HashrateMultiplier = 2^32), so hashrate = Σ D · 2^32 / window. Numerator and denominator always use
// the same window (peers.md bug 7).

import { HASHES_PER_SHARE_UNIT } from "../kaspa/target.ts";

/** Hashes per second for a sum of share difficulties over `seconds`. */
export function hashrate(sumDifficulty: number, seconds: number): number {
  return seconds > 0 ? (sumDifficulty * HASHES_PER_SHARE_UNIT) / seconds : 0;
}

/**
 * Sums share difficulty in fixed time buckets over a sliding window. The buckets are allocated with the first
 * share: an idle connection's meter would otherwise be most of its footprint (~1 KB).
 */
export class HashrateMeter {
  private buckets: Float64Array | null = null;
  private readonly bucketMs: number;
  private lastBucket: number;

  constructor(windowSeconds: number, private readonly startedAt: number, private readonly bucketCount = 60) {
    this.bucketMs = (windowSeconds * 1000) / bucketCount;
    this.lastBucket = Math.floor(startedAt / this.bucketMs);
  }

  add(difficulty: number, now: number): void {
    this.advance(now);
    const buckets = (this.buckets ??= new Float64Array(this.bucketCount));
    buckets[this.lastBucket % this.bucketCount]! += difficulty;
  }

  /** H/s over exactly the time the buckets cover, or since the meter started when that is shorter. */
  rate(now: number): number {
    this.advance(now);
    let sum = 0;
    if (this.buckets) for (let i = 0; i < this.bucketCount; i++) sum += this.buckets[i]!;
    const coveredFrom = Math.max(this.startedAt, (this.lastBucket - this.bucketCount + 1) * this.bucketMs);
    return hashrate(sum, (now - coveredFrom) / 1000);
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    if (this.buckets) {
      const steps = Math.min(bucket - this.lastBucket, this.bucketCount);
      for (let i = 1; i <= steps; i++) this.buckets[(this.lastBucket + i) % this.bucketCount] = 0;
    }
    if (bucket > this.lastBucket) this.lastBucket = bucket;
  }
}
