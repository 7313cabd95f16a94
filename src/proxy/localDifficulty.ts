// A local miner's share difficulty: the port's start difficulty (or `d=` from the password) and vardiff, as on
// the pool's ports, but never above the upstream's difficulty for the job it goes with, so no share the upstream
// would take stays on the miner. A vardiff change applies from the next job, never to work already sent.

import type { StratumPortConfig } from "../config/types.ts";
import { requestedDifficulty } from "../stratum/login.ts";
import type { MinerType } from "../stratum/minerType.ts";
import { clampToNetwork, snapStartDifficulty, VardiffWindow } from "../stratum/vardiff.ts";

export class LocalDifficulty {
  /** In force: what the miner was last told. */
  current = 0;
  private wanted = 0;
  private pending: number | null = null;
  private powerOfTwo = false;
  private window: VardiffWindow | null = null;
  private lastCheck: number;

  constructor(private readonly port: StratumPortConfig, now: number) {
    this.lastCheck = now;
  }

  /** At authorize: the difficulty to announce with the first job. */
  start(miner: MinerType, password: unknown, upstreamDifficulty: number, now: number): number {
    const vd = this.port.vardiff;
    if (vd) {
      this.powerOfTwo = vd.powerOfTwo === "auto" ? miner.asic : vd.powerOfTwo;
      this.wanted = snapStartDifficulty(requestedDifficulty(password) ?? this.port.difficulty, this.powerOfTwo, vd.minDifficulty, vd.maxDifficulty);
      this.window = new VardiffWindow(now);
    } else this.wanted = this.port.difficulty;
    return (this.current = clampToNetwork(this.wanted, upstreamDifficulty, this.powerOfTwo));
  }

  /** For a job about to be sent: the new difficulty to announce first, or null when it stays. */
  forJob(upstreamDifficulty: number, now: number): number | null {
    if (this.pending !== null) [this.wanted, this.pending] = [this.pending, null];
    const next = clampToNetwork(this.wanted, upstreamDifficulty, this.powerOfTwo);
    if (next === this.current) return null;
    this.window?.restart(now);
    return (this.current = next);
  }

  share(): void {
    this.window?.recordShare();
  }

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
}
