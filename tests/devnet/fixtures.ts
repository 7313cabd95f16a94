// Deterministic test keys and their kaspadev addresses.

import { schnorr } from "@noble/curves/secp256k1.js";
import { encodeAddress } from "../../src/kaspa/address.ts";

/** Private key n (1-based): 31 zero bytes then n, a valid secp256k1 scalar. */
export function devKey(n: number): Uint8Array {
  const key = new Uint8Array(32);
  key[31] = n;
  return key;
}

export function devAddress(n: number): string {
  return encodeAddress("kaspadev", 0, schnorr.getPublicKey(devKey(n)));
}
