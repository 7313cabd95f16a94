// A per-connection cap on submits: a connection far above the rate it should send (the vardiff target, or a
// configured ceiling on fixed-difficulty ports) is first given a difficulty that fits what it sent, and closed
// if it stays above the cap for the next window. Vardiff alone moves at most ×16 per interval; a client asking
// the pool to check thousands of shares a second must be stopped within seconds.

export type RateVerdict = null | { raiseBy: number } | "close";

/** A burst that arrives in one read would otherwise look like an infinite rate. */
const MIN_ELAPSED_MS = 1_000;

export class ShareRateCap {
  private count = 0;
  private startedAt: number;
  private raised = false;

  constructor(private readonly windowSeconds: number, private readonly overTarget: number, now: number) {
    this.startedAt = now;
  }

  /** Counts one submit from a connection meant to send `aimPerMinute`; says what to do when over the cap. */
  record(now: number, aimPerMinute: number): RateVerdict {
    const windowMs = this.windowSeconds * 1000;
    if (now - this.startedAt >= windowMs) {
      // A whole window under the cap: a past raise is forgiven.
      this.startedAt = now;
      this.count = 0;
      this.raised = false;
    }
    this.count++;
    if (this.count <= (aimPerMinute * this.overTarget * this.windowSeconds) / 60) return null;
    if (this.raised) return "close";
    const perMinute = (this.count * 60_000) / Math.max(now - this.startedAt, MIN_ELAPSED_MS);
    this.raised = true;
    this.startedAt = now;
    this.count = 0;
    return { raiseBy: perMinute / aimPerMinute };
  }
}
