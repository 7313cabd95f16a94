// Submitting a solved template: the block goes back exactly as the node sent it, with only the nonce replaced.
// Re-serialising through typed structs drops unknown fields (see peers.md "RPC"), which breaks post-Toccata blocks.

import type { BlockTemplate } from "./types.ts";

/** A copy of the template whose header.nonce is the given nonce; the template itself is not modified. */
export function withNonce(template: BlockTemplate, nonce: bigint): BlockTemplate {
  if (nonce < 0n || nonce >= 1n << 64n) throw new RangeError("nonce must be a u64");
  return { ...template, header: { ...template.header, nonce } };
}
