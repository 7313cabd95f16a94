// A ShareSink that keeps everything in memory, for running stratum without a database.

import type { AcceptedShare, FoundBlock, RejectedShare, ShareSink } from "./types.ts";

export class MemoryShareSink implements ShareSink {
  readonly shares: AcceptedShare[] = [];
  readonly blocks: FoundBlock[] = [];
  readonly payoutLimits = new Map<string, bigint>();
  readonly rejects: RejectedShare[] = [];

  async recordShare(share: AcceptedShare): Promise<void> {
    this.shares.push(share);
  }

  async recordBlock(block: FoundBlock): Promise<void> {
    this.blocks.push(block);
  }

  /** Nothing here outlives the process, so there is nothing to keep for a restart. */
  blockAtNode(_block: FoundBlock): () => void {
    return () => {};
  }

  async recordPayoutLimit(address: string, sompi: bigint): Promise<void> {
    this.payoutLimits.set(address, sompi);
  }

  recordReject(reject: RejectedShare): void {
    this.rejects.push(reject);
  }

  /** Nothing here cuts PPLNS windows, so nothing needs holding back. */
  hold(_timestamp: number): () => void {
    return () => {};
  }
}
