// One connection's share difficulty, for the pool's miners and the proxy's alike: the port's start difficulty
// (or `d=` from the password, snapped), vardiff, and raises for a share-rate flood, never above the network's
// difficulty for the job it goes with (on the proxy: the upstream's, so no share the upstream would take stays on
// the miner). A change applies from the next job, never to work already sent.

import type { StratumPortConfig } from "../config/types.ts";
import { requestedDifficulty } from "./login.ts";
import type { MinerType } from "./minerType.ts";
import { clampToNetwork, snapStartDifficulty, VardiffWindow } from "./vardiff.ts";

export class ConnectionDifficulty {
  /** In force: what the miner was last told, never above the network difficulty of the last job sent. */
  current = 0;
  /** What the port, `d=` or vardiff asks for before the clamp to the network difficulty. */
  private wanted = 0;
  private pending: number | null = null;
  private powerOfTwo = false;
  private window: VardiffWindow | null = null;
  private lastCheck: number;

  constructor(private readonly port: StratumPortConfig, now: number) {
    this.lastCheck = now;
  }

  /** At authorize: the difficulty to announce before the first job; unclamped while no job is known. */
  start(miner: MinerType, password: unknown, networkDifficulty: number | null, now: number): number {
    const vd = this.port.vardiff;
    if (vd) {
      this.powerOfTwo = vd.powerOfTwo === "auto" ? miner.asic : vd.powerOfTwo;
      this.wanted = snapStartDifficulty(requestedDifficulty(password) ?? this.port.difficulty, this.powerOfTwo, vd.minDifficulty, vd.maxDifficulty);
      this.window = new VardiffWindow(now);
    } else this.wanted = this.port.difficulty;
    // Clamped now, so the first job needs no second set_difficulty.
    return (this.current = networkDifficulty === null ? this.wanted : clampToNetwork(this.wanted, networkDifficulty, this.powerOfTwo));
  }

  /** For a job about to be sent: the new difficulty to announce first, or null when it stays. */
  forJob(networkDifficulty: number, now: number): number | null {
    if (this.pending !== null) [this.wanted, this.pending] = [this.pending, null];
    const next = clampToNetwork(this.wanted, networkDifficulty, this.powerOfTwo);
    if (next === this.current) return null;
    this.current = next;
    this.window?.restart(now);
    return next;
  }

  share(): void {
    this.window?.recordShare();
  }

  /** Vardiff, once its interval has passed. */
  tick(now: number): void {
    const vd = this.port.vardiff;
    if (!vd || !this.window || now - this.lastCheck < vd.intervalSeconds * 1000) return;
    this.lastCheck = now;
    const next = this.window.check(now, {
      difficulty: this.pending ?? this.current, targetSharesPerMinute: vd.targetSharesPerMinute,
      minDifficulty: vd.minDifficulty, maxDifficulty: vd.maxDifficulty, powerOfTwo: this.powerOfTwo,
    });
    if (next !== null) this.pending = next;
  }

  /** The share-rate cap's raise for the next job; null when already at the port's maximum. */
  raise(by: number): number | null {
    const current = this.pending ?? this.current;
    let next = current * by;
    if (this.powerOfTwo) next = 2 ** Math.ceil(Math.log2(next));
    if (this.port.vardiff) next = Math.min(next, this.port.vardiff.maxDifficulty);
    if (next <= current) return null;
    return (this.pending = next);
  }
}
