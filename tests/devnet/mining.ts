// Test helper: solves a served template by searching nonces with the real PoW, as a miner would.

import { parseHeader, prePowHash } from "../../src/kaspa/header.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { bitsToTarget } from "../../src/kaspa/target.ts";

/** First nonce whose PoW meets (valid) or misses (invalid) the header's target. */
export function findNonce(header: Record<string, unknown>, want: "valid" | "invalid", limit = 1_000_000): bigint {
  const parsed = parseHeader({ ...header, nonce: 0 });
  const state = new PowState(prePowHash(parsed), BigInt(header.timestamp as number));
  const target = bitsToTarget(Number(header.bits));
  for (let nonce = 0n; nonce < BigInt(limit); nonce++) {
    if ((state.pow(nonce) <= target) === (want === "valid")) return nonce;
  }
  throw new Error(`no ${want} nonce below ${limit}`);
}
