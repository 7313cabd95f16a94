// Template followers by pay address: the pool address for PPLNS ports, and one per distinct solo address, so a
// solo miner's coinbase pays the miner directly and the pool never holds solo rewards. Followers are shared by
// every connection that mines for the address and stop when the last one leaves.

import type { Logger } from "../common/log.ts";
import { TemplateFollower, type TemplateSource } from "./follower.ts";
import { JobIds } from "./jobIds.ts";

export type { Job } from "./job.ts";
export type { TemplateFollower } from "./follower.ts";

export interface TemplateHubOptions {
  node: TemplateSource;
  cacheSize: number;
  /** Goes into the coinbase payload after the node's own version string. */
  extraData: string;
  log: Logger;
  pollMs?: number;
}

export class TemplateHub {
  private readonly ids = new JobIds();
  private readonly followers = new Map<string, { follower: TemplateFollower; users: number }>();

  constructor(private readonly opts: TemplateHubOptions) {}

  /** The follower for an address, started on first use; every acquire needs one release. */
  acquire(payAddress: string): TemplateFollower {
    const entry = this.followers.get(payAddress);
    if (entry) {
      entry.users++;
      return entry.follower;
    }
    const follower = new TemplateFollower({
      node: this.opts.node,
      payAddress,
      extraData: this.opts.extraData,
      cacheSize: this.opts.cacheSize,
      ids: this.ids,
      log: this.opts.log,
      pollMs: this.opts.pollMs,
    });
    this.followers.set(payAddress, { follower, users: 1 });
    void follower.start();
    return follower;
  }

  release(payAddress: string): void {
    const entry = this.followers.get(payAddress);
    if (!entry || --entry.users > 0) return;
    this.followers.delete(payAddress);
    void entry.follower.stop();
  }

  get followerCount(): number {
    return this.followers.size;
  }

  async stop(): Promise<void> {
    const all = [...this.followers.values()];
    this.followers.clear();
    await Promise.all(all.map((e) => e.follower.stop()));
  }
}
