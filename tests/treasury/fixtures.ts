// Deterministic payees and treasury UTXOs for the payout tests.

import { schnorr } from "@noble/curves/secp256k1.js";
import { addressToScriptPublicKey, encodeAddress } from "../../src/kaspa/address.ts";
import type { SpendableUtxo } from "../../src/treasury/build.ts";
import type { Payee } from "../../src/treasury/plan.ts";

export const KAS = 100_000_000n;

/** Private key n (1-based, up to 65535): zero bytes then n big-endian. */
export function key(n: number): Uint8Array {
  const k = new Uint8Array(32);
  k[30] = n >> 8;
  k[31] = n & 0xff;
  return k;
}

export function address(n: number): string {
  return encodeAddress("kaspadev", 0, schnorr.getPublicKey(key(n)));
}

export const TREASURY_KEY = key(1);
export const TREASURY = address(1);

/** Amounts from a fixed linear congruential sequence, uniform in [min, max). */
export function amounts(count: number, min: bigint, max: bigint, seed = 7): bigint[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return min + (BigInt(s) * (max - min)) / 2n ** 31n;
  });
}

/** Payees 2, 3, … with the given balances. */
export function payees(balances: bigint[]): Payee[] {
  return balances.map((amount, i) => ({ address: address(i + 2), amount }));
}

/** Treasury coinbase UTXOs with the given amounts, outpoint ids 1, 2, … */
export function utxos(amountsSompi: bigint[]): SpendableUtxo[] {
  const scriptPublicKey = addressToScriptPublicKey(TREASURY);
  return amountsSompi.map((amount, i) => ({
    outpoint: { transactionId: (i + 1).toString(16).padStart(64, "0"), index: i % 3 },
    entry: { amount, scriptPublicKey, blockDaaScore: 1000n + BigInt(i), isCoinbase: true },
  }));
}
