// Per-IP token buckets: `requestsPerSecond` sustained, `burst` at once. Idle buckets are dropped as they fill up,
// so memory follows the clients active in the last few seconds.

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(private readonly perSecond: number, private readonly burst: number) {}

  /** 0 when the request may go ahead; otherwise the seconds until it may (for Retry-After). */
  take(ip: string, now: number): number {
    this.sweep(now);
    const b = this.buckets.get(ip) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(ip, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    const full = (this.burst / this.perSecond) * 1000;
    for (const [ip, b] of this.buckets) if (now - b.at >= full) this.buckets.delete(ip);
  }
}
