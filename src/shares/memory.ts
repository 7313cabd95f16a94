// A ShareSink that keeps everything in memory, for running stratum without a database.

import type { AcceptedShare, FoundBlock, ShareSink } from "./types.ts";

export class MemoryShareSink implements ShareSink {
  readonly shares: AcceptedShare[] = [];
  readonly blocks: FoundBlock[] = [];
  readonly payoutLimits = new Map<string, bigint>();

  async recordShare(share: AcceptedShare): Promise<void> {
    this.shares.push(share);
  }

  async recordBlock(block: FoundBlock): Promise<void> {
    this.blocks.push(block);
  }

  async recordPayoutLimit(address: string, sompi: bigint): Promise<void> {
    this.payoutLimits.set(address, sompi);
  }

  /** Nothing here cuts PPLNS windows, so nothing needs holding back. */
  hold(_timestamp: number): () => void {
    return () => {};
  }
}
