// Transaction ids (rusty-kaspa consensus/core/src/hashing/tx.rs). Version 0: BLAKE2b keyed "TransactionID" over
// the transaction without signature scripts, sig-op counts or mass. Version 1: keyed BLAKE3 of the payload
// digest and of the rest of the transaction, so the payload can be proven apart from the body.

import { blake2b } from "@noble/hashes/blake2.js";
import { blake3 } from "@noble/hashes/blake3.js";
import { bytesToHex, hexToBytes } from "../../common/hex.ts";
import { ByteWriter, splitScriptPublicKey } from "./encoding.ts";
import type { Transaction, TxOutput } from "./types.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

/** BLAKE3 keyed with an ASCII domain zero-padded to 32 bytes (rusty-kaspa crypto/hashes blake3_hasher!). */
function blake3Domain(domain: string): (data: Uint8Array) => Uint8Array {
  const key = new Uint8Array(32);
  key.set(ascii(domain));
  return (data) => blake3(data, { key });
}

const payloadDigest = blake3Domain("PayloadDigest");
const restDigest = blake3Domain("TransactionRest");
const v1Id = blake3Domain("TransactionV1Id");
const TRANSACTION_ID_KEY = ascii("TransactionID");

/** An output as the tx hashes and the sighash encode it; version 1 adds the optional covenant. */
export function writeOutput(w: ByteWriter, output: TxOutput, txVersion: number): void {
  const spk = splitScriptPublicKey(output.scriptPublicKey);
  w.u64(output.value).u16(spk.version).varBytes(spk.script);
  if (txVersion >= 1) {
    w.u8(output.covenant ? 1 : 0);
    if (output.covenant) w.u16(output.covenant.authorizingInput).bytes(output.covenant.covenantId);
  }
}

/** The encoding both ids share: signature scripts written empty, no sig-op counts, no mass commitments. */
function idPreimage(tx: Transaction, payload: string): Uint8Array {
  const w = new ByteWriter().u16(tx.version).u64(tx.inputs.length);
  for (const input of tx.inputs) {
    w.bytes(input.previousOutpoint.transactionId).u32(input.previousOutpoint.index).varBytes("").u64(input.sequence);
  }
  w.u64(tx.outputs.length);
  for (const output of tx.outputs) writeOutput(w, output, tx.version);
  return w.u64(tx.lockTime).bytes(tx.subnetworkId).u64(tx.gas).varBytes(payload).finish();
}

export function transactionId(tx: Transaction): string {
  if (tx.version === 0) return bytesToHex(blake2b(idPreimage(tx, tx.payload), { key: TRANSACTION_ID_KEY, dkLen: 32 }));
  const digests = new Uint8Array(64);
  digests.set(payloadDigest(hexToBytes(tx.payload)), 0);
  digests.set(restDigest(idPreimage(tx, "")), 32);
  return bytesToHex(v1Id(digests));
}
