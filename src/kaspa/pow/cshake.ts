// The two fixed-length cSHAKE256 hashes of kHeavyHash, as Keccak states with the customization block already
// absorbed and the padding for the fixed message length already applied (the approach of rusty-kaspa
// crypto/hashes/src/pow_hashers.rs). States are Uint32Array(50): lane i is words [2i] (low) and [2i+1] (high).

import { keccakF1600 } from "./keccak.ts";

const RATE_BYTES = 136; // cSHAKE256

/** Keccak state after absorbing bytepad(encode_string("") ‖ encode_string(S), 136), with the cSHAKE
 * padding (0x04 … 0x80) for a message of `messageBytes` bytes folded in (NIST SP 800-185 §3.3). */
function initialState(customization: string, messageBytes: number): Uint32Array {
  const s = Buffer.from(customization, "ascii");
  const block = new Uint8Array(RATE_BYTES);
  block.set([1, RATE_BYTES, 1, 0, 1, s.length * 8], 0);
  block.set(s, 6);
  const state = new Uint32Array(50);
  const bytes = new Uint8Array(state.buffer);
  for (let i = 0; i < RATE_BYTES; i++) bytes[i]! ^= block[i]!;
  keccakF1600(state);
  bytes[messageBytes]! ^= 0x04;
  bytes[RATE_BYTES - 1]! ^= 0x80;
  return state;
}

/** cSHAKE256("ProofOfWorkHash") ready for its 80-byte input: pre-PoW hash ‖ timestamp ‖ 32 zero bytes ‖ nonce. */
export const POW_HASH_INITIAL = initialState("ProofOfWorkHash", 80);
/** cSHAKE256("HeavyHash") ready for its 32-byte input. */
export const HEAVY_HASH_INITIAL = initialState("HeavyHash", 32);
