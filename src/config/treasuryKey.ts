// Derives the pool's address from TREASURY_PRIVATE_KEY, as kaspool operators expect. The key itself never
// enters the configuration object, logs or error messages.

import { schnorr } from "@noble/curves/secp256k1.js";
import { encodeAddress, networkPrefix } from "../kaspa/address.ts";
import type { NetworkId } from "./types.ts";

/** Returns the P2PK (Schnorr) address of the key, or throws an Error that does not contain the key. */
export function treasuryAddressFromKey(keyHex: string, network: NetworkId): string {
  const hex = keyHex.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("TREASURY_PRIVATE_KEY: must be 64 hex characters");
  let publicKey: Uint8Array;
  try {
    publicKey = schnorr.getPublicKey(Uint8Array.from(Buffer.from(hex, "hex")));
  } catch {
    throw new Error("TREASURY_PRIVATE_KEY: not a valid secp256k1 private key");
  }
  return encodeAddress(networkPrefix(network), 0, publicKey);
}
