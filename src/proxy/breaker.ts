// Circuit breaker per upstream: after `failures` consecutive failures (a refused connection, a failed
// authorize, a session that dropped, a storm of rejected shares) the upstream is open for a cool-down and the
// next one in order serves. Once the cool-down is over it is half-open: one dial is a probe, whose success
// closes it and whose failure opens it again at once.

export type BreakerState = "closed" | "open" | "half-open";

export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | null = null;

  constructor(private readonly failures: number, private readonly coolDownMs: number) {}

  state(now: number): BreakerState {
    if (this.openedAt === null) return "closed";
    return now - this.openedAt >= this.coolDownMs ? "half-open" : "open";
  }

  /** May this upstream be dialled (closed, or half-open for a probe)? */
  allows(now: number): boolean {
    return this.state(now) !== "open";
  }

  /** True when this failure opened the breaker (or re-opened it after a failed probe). */
  failure(now: number): boolean {
    const wasOpen = this.openedAt !== null;
    this.consecutive++;
    if (wasOpen || this.consecutive >= this.failures) {
      this.openedAt = now;
      return true;
    }
    return false;
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = null;
  }

  get consecutiveFailures(): number {
    return this.consecutive;
  }
}
