// Variable difficulty: keep each connection near `targetSharesPerMinute`. The decision is a pure function of
// the shares seen since the last change; evidence accumulates until it is strong enough to act on.
// Compare rdugan kaspa-stratum-bridge share_handler.go (staged windows) and rusty-kaspa bridge
// share_handler.rs (ratio bands, capped steps); this one widens the band by the Poisson noise of the count.

export interface RetargetInput {
  difficulty: number;
  /** Accepted shares since the window started. */
  shares: number;
  elapsedSeconds: number;
  targetSharesPerMinute: number;
  minDifficulty: number;
  maxDifficulty: number;
  powerOfTwo: boolean;
}

const MAX_STEP_UP = 16;
const MAX_STEP_DOWN = 0.25;
/** With no share at all, wait until this many were expected (P(0 | on target) = e^-4 < 2 %). */
const EXPECTED_BEFORE_IDLE_DROP = 4;

/** The difficulty to switch to, or null to keep the current one. */
export function retarget(input: RetargetInput): number | null {
  const { difficulty, shares, elapsedSeconds, targetSharesPerMinute, powerOfTwo } = input;
  if (elapsedSeconds <= 0) return null;
  const expected = (targetSharesPerMinute * elapsedSeconds) / 60;
  let factor: number;
  if (shares === 0) {
    if (expected < EXPECTED_BEFORE_IDLE_DROP) return null;
    factor = 0.5;
  } else {
    const ratio = shares / expected;
    // Powers of two move in ×2 steps, so the band must be wide enough that one step lands inside it.
    const upper = powerOfTwo ? 1.5 : 1.25;
    const lower = powerOfTwo ? 2 / 3 : 0.8;
    const noise = 2 / Math.sqrt(shares);
    if (ratio > Math.max(upper, 1 + noise)) factor = Math.min(ratio, MAX_STEP_UP);
    else if (ratio < Math.min(lower, 1 - noise)) factor = Math.max(ratio, MAX_STEP_DOWN);
    else return null;
  }
  let next = difficulty * factor;
  if (powerOfTwo) next = roundPowerOfTwo(difficulty, next);
  next = Math.min(Math.max(next, input.minDifficulty), input.maxDifficulty);
  return next === difficulty ? null : next;
}

/**
 * Nearest power of two to `next`, but never equal to `current` when a move was asked for: rounding a ×1.5 step
 * back to the same power is the no-op of peers.md bug 6.
 */
export function roundPowerOfTwo(current: number, next: number): number {
  const rounded = 2 ** Math.round(Math.log2(next));
  if (next > current && rounded <= current) return 2 ** (Math.floor(Math.log2(current)) + 1);
  if (next < current && rounded >= current) return 2 ** (Math.ceil(Math.log2(current)) - 1);
  return rounded;
}

/** Power-of-two snapping for a start difficulty: the nearest power of two, clamped to the port limits. */
export function snapStartDifficulty(difficulty: number, powerOfTwo: boolean, min: number, max: number): number {
  const d = powerOfTwo ? 2 ** Math.round(Math.log2(difficulty)) : difficulty;
  return Math.min(Math.max(d, min), max);
}

/**
 * The share difficulty to send with a job: never above that job's network difficulty. A miner submits only what
 * meets the share target it was told, so above it every block between the two targets would stay on the miner;
 * at or below it every block is also a share. Applies to vardiff, `d=` and a port's fixed difficulty alike. A
 * power-of-two connection gets the largest power of two not above the network difficulty.
 */
export function clampToNetwork(difficulty: number, networkDifficulty: number, powerOfTwo: boolean): number {
  if (difficulty <= networkDifficulty) return difficulty;
  return powerOfTwo ? 2 ** Math.floor(Math.log2(networkDifficulty)) : networkDifficulty;
}

/** Per-connection window: counts shares and asks `retarget` every interval. */
export class VardiffWindow {
  private shares = 0;
  private startedAt: number;

  constructor(now: number) {
    this.startedAt = now;
  }

  recordShare(): void {
    this.shares++;
  }

  /** Called on a timer; a non-null result restarts the window. */
  check(now: number, params: Omit<RetargetInput, "shares" | "elapsedSeconds">): number | null {
    const next = retarget({ ...params, shares: this.shares, elapsedSeconds: (now - this.startedAt) / 1000 });
    if (next !== null) this.restart(now);
    return next;
  }

  restart(now: number): void {
    this.shares = 0;
    this.startedAt = now;
  }
}
