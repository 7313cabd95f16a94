// The proxy's split of its upstream's nonce space: each local miner's extranonce is the upstream's extranonce
// followed by `bytes` of its own, so no two miners behind one upstream connection search the same nonces
// (spec §3.3: the extranonce is the most-significant bytes of the 64-bit nonce). The local part outlives
// upstream changes; only the prefix in front of it changes.

import { ExtranonceAllocator } from "../stratum/extranonce.ts";

/** At least this many nonce bytes are left to every miner: 2^32 hashes go by in a millisecond on an ASIC. */
export const MIN_MINER_NONCE_BYTES = 4;

export class NonceSpace {
  private readonly allocator: ExtranonceAllocator;

  constructor(readonly bytes: number) {
    this.allocator = new ExtranonceAllocator(bytes);
  }

  /** The local part for a new miner, or null when every value is taken. */
  allocate(): string | null {
    return this.allocator.allocate();
  }

  release(local: string): void {
    this.allocator.release(local);
  }

  get live(): number {
    return this.allocator.live;
  }

  get capacity(): number {
    return 2 ** (8 * this.bytes);
  }

  /** The miner's extranonce under an upstream one, or null when too little nonce space would be left. */
  static compose(upstream: string, local: string): string | null {
    const full = upstream + local;
    return 16 - full.length >= 2 * MIN_MINER_NONCE_BYTES ? full : null;
  }
}
