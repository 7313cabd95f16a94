// Checks a pay-to-public-key (Schnorr) input's signature without running the script engine: the only shape
// the pool's payouts produce and the devnet accepts.

import { schnorr } from "@noble/curves/secp256k1.js";
import { hexToBytes } from "../../common/hex.ts";
import { isValidSigHashType, sigHash } from "./sighash.ts";
import type { Transaction, UtxoEntry } from "./types.ts";

const P2PK_SPK = /^000020([0-9a-f]{64})ac$/;
const OP_DATA_65 = 0x41;

/** true iff the input's signature script is 0x41 ‖ sig(64) ‖ sighash type and the BIP-340 signature verifies
 * against the x-only key of the P2PK script it spends. Any other script or shape is false. */
export function verifyInputSignature(tx: Transaction, inputIndex: number, utxos: UtxoEntry[]): boolean {
  const input = tx.inputs[inputIndex];
  const utxo = utxos[inputIndex];
  if (!input || !utxo) return false;
  const key = P2PK_SPK.exec(utxo.scriptPublicKey.toLowerCase());
  if (!key) return false;
  const script = hexToBytes(input.signatureScript);
  if (script.length !== 66 || script[0] !== OP_DATA_65) return false;
  const hashType = script[65]!;
  if (!isValidSigHashType(hashType)) return false;
  try {
    return schnorr.verify(script.subarray(1, 65), sigHash(tx, inputIndex, utxos, hashType), hexToBytes(key[1]!));
  } catch {
    return false;
  }
}
