// Bans by IP for a high invalid-share ratio (Miningcore Banning/, invalid-share ratio bans). Each connection is
// judged every `minShares` shares; a connection at or above `invalidRatio` gets its IP banned for a while.

export interface BanPolicy {
  enabled: boolean;
  invalidRatio: number;
  minShares: number;
  durationSeconds: number;
}

/** Counts one connection's shares; `record` says when the connection has earned a ban. */
export class ShareRatio {
  private valid = 0;
  private invalid = 0;

  constructor(private readonly policy: BanPolicy) {}

  record(ok: boolean): boolean {
    if (!this.policy.enabled) return false;
    if (ok) this.valid++;
    else this.invalid++;
    const total = this.valid + this.invalid;
    if (total < this.policy.minShares) return false;
    const ratio = this.invalid / total;
    this.valid = this.invalid = 0;
    return ratio >= this.policy.invalidRatio;
  }
}

export class BanList {
  private readonly until = new Map<string, number>();

  constructor(private readonly durationSeconds: number) {}

  ban(ip: string, now: number): void {
    this.until.set(ip, now + this.durationSeconds * 1000);
  }

  isBanned(ip: string, now: number): boolean {
    const until = this.until.get(ip);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(ip);
    return false;
  }

  /** Drops expired bans; without it an IP banned once and never seen again stays in memory for good. */
  prune(now: number): void {
    for (const [ip, until] of this.until) if (until <= now) this.until.delete(ip);
  }

  get size(): number {
    return this.until.size;
  }
}
