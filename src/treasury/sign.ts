// Signs a payout with the treasury key: BIP-340 Schnorr (@noble/curves) over our own SIGHASH_ALL hash, each
// signature script OP_DATA_65 ‖ signature ‖ 0x01 (node-rpc.md §7.4; rusty-kaspa consensus/core/src/sign.rs).

import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../common/hex.ts";
import { SIGHASH_ALL, sigHash, type Transaction, type UtxoEntry } from "../kaspa/tx/index.ts";

const OP_DATA_65 = "41";
const SIGHASH_ALL_BYTE = SIGHASH_ALL.toString(16).padStart(2, "0");

/** A signed copy of `tx`. Every entry must pay the key's P2PK script: a key that cannot spend an input is an
 * error here rather than a rejection by the node. */
export function signPayout(tx: Transaction, entries: readonly UtxoEntry[], privateKey: Uint8Array): Transaction {
  if (entries.length !== tx.inputs.length) throw new RangeError(`${tx.inputs.length} inputs but ${entries.length} UTXO entries`);
  const spk = `000020${bytesToHex(schnorr.getPublicKey(privateKey))}ac`;
  entries.forEach((e, i) => {
    if (e.scriptPublicKey.toLowerCase() !== spk) throw new Error(`input ${i} pays ${e.scriptPublicKey}, not the signing key's script ${spk}`);
  });
  // The sighash leaves signature scripts out, so every input is hashed over the transaction as given.
  const utxos = [...entries];
  const signatures = tx.inputs.map((_, i) => bytesToHex(schnorr.sign(sigHash(tx, i, utxos, SIGHASH_ALL), privateKey)));
  return { ...tx, inputs: tx.inputs.map((input, i) => ({ ...input, signatureScript: OP_DATA_65 + signatures[i] + SIGHASH_ALL_BYTE })) };
}
