// Hashrate from accepted shares: a share of difficulty D stands for D·2^32 hashes on average (spec §3.6, §3.9;
// Miningcore HashrateMultiplier = 2^32), so hashrate = Σ D · 2^32 / window. Numerator and denominator always use
// the same window (peers.md bug 7).

export const HASHES_PER_DIFFICULTY_1 = 2 ** 32;

/** Hashes per second for a sum of share difficulties over `seconds`. */
export function hashrate(sumDifficulty: number, seconds: number): number {
  return seconds > 0 ? (sumDifficulty * HASHES_PER_DIFFICULTY_1) / seconds : 0;
}

/** Sums share difficulty in fixed time buckets over a sliding window. */
export class HashrateMeter {
  private readonly buckets: Float64Array;
  private readonly bucketMs: number;
  private lastBucket: number;

  constructor(windowSeconds: number, private readonly startedAt: number, buckets = 60) {
    this.buckets = new Float64Array(buckets);
    this.bucketMs = (windowSeconds * 1000) / buckets;
    this.lastBucket = Math.floor(startedAt / this.bucketMs);
  }

  add(difficulty: number, now: number): void {
    this.advance(now);
    this.buckets[this.lastBucket % this.buckets.length]! += difficulty;
  }

  /** H/s over exactly the time the buckets cover, or since the meter started when that is shorter. */
  rate(now: number): number {
    this.advance(now);
    let sum = 0;
    for (const b of this.buckets) sum += b;
    const coveredFrom = Math.max(this.startedAt, (this.lastBucket - this.buckets.length + 1) * this.bucketMs);
    return hashrate(sum, (now - coveredFrom) / 1000);
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    const steps = Math.min(bucket - this.lastBucket, this.buckets.length);
    for (let i = 1; i <= steps; i++) this.buckets[(this.lastBucket + i) % this.buckets.length] = 0;
    if (bucket > this.lastBucket) this.lastBucket = bucket;
  }
}
