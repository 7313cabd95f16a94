// Who may hold a miner connection: no banned IP, and no IP past stratum.maxConnectionsPerIp. One per service (the
// pool's stratum, the proxy), shared by all its ports; the listener (server.ts) asks it for every connection.

import type { Config } from "../config/types.ts";
import { BanList } from "./bans.ts";

/** Expired bans are dropped this often; a scan of every ban each second would cost more than it frees. */
const BAN_PRUNE_MS = 60_000;

export class IpAdmission {
  private readonly bans: BanList;
  private readonly perIp = new Map<string, number>();
  private lastPrune: number;

  constructor(private readonly stratum: Config["stratum"], now: number) {
    this.bans = new BanList(stratum.ban.durationSeconds);
    this.lastPrune = now;
  }

  /** Whether a new connection from `ip` may stay; a true answer holds one of its slots until `leave`. */
  admit(ip: string): boolean {
    if (this.bans.isBanned(ip, Date.now())) return false;
    const n = this.perIp.get(ip) ?? 0;
    if (n >= this.stratum.maxConnectionsPerIp) return false;
    this.perIp.set(ip, n + 1);
    return true;
  }

  leave(ip: string): void {
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  /** Bans `ip` and closes its open connections among `open`. */
  ban(ip: string, open: Iterable<{ remoteAddress: string; close(): void }>): void {
    this.bans.ban(ip, Date.now());
    for (const c of open) if (c.remoteAddress === ip) c.close();
  }

  /** IPs banned right now. */
  get banned(): number {
    return this.bans.size;
  }

  /** Called with the service's once-a-second tick. */
  tick(now: number): void {
    if (now - this.lastPrune < BAN_PRUNE_MS) return;
    this.lastPrune = now;
    this.bans.prune(now);
  }
}
