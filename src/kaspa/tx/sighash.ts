// Schnorr signature hash (node-rpc.md §7.4; rusty-kaspa consensus/core/src/hashing/sighash.rs).
// Version 1 drops the sig-op commitments and hashes output covenants; compute budgets are not signed.

import { blake2b } from "@noble/hashes/blake2.js";
import { ByteWriter, splitScriptPublicKey } from "./encoding.ts";
import { writeOutput } from "./txid.ts";
import { SUBNETWORK_NATIVE, type Transaction, type UtxoEntry } from "./types.ts";

export const SIGHASH_ALL = 0x01;
export const SIGHASH_NONE = 0x02;
export const SIGHASH_SINGLE = 0x04;
export const SIGHASH_ANYONECANPAY = 0x80;

const KEY = new TextEncoder().encode("TransactionSigningHash");
const ZERO_HASH = new Uint8Array(32);
const hash = (w: ByteWriter) => blake2b(w.finish(), { key: KEY, dkLen: 32 });

export function isValidSigHashType(t: number): boolean {
  const base = t & ~SIGHASH_ANYONECANPAY;
  return base === SIGHASH_ALL || base === SIGHASH_NONE || base === SIGHASH_SINGLE;
}

export function sigHash(tx: Transaction, inputIndex: number, utxos: UtxoEntry[], hashType = SIGHASH_ALL): Uint8Array {
  const input = tx.inputs[inputIndex];
  const utxo = utxos[inputIndex];
  if (!input || !utxo) throw new RangeError(`input ${inputIndex} has no ${input ? "UTXO entry" : "input"}`);
  if (!isValidSigHashType(hashType)) throw new RangeError(`invalid sighash type 0x${hashType.toString(16)}`);
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const base = hashType & ~SIGHASH_ANYONECANPAY;
  const v0 = tx.version < 1;

  const previousOutputs = anyoneCanPay ? ZERO_HASH : hash(tx.inputs.reduce(
    (w, i) => w.bytes(i.previousOutpoint.transactionId).u32(i.previousOutpoint.index), new ByteWriter()));
  const sequences = anyoneCanPay || base !== SIGHASH_ALL ? ZERO_HASH : hash(tx.inputs.reduce((w, i) => w.u64(i.sequence), new ByteWriter()));
  let outputs = ZERO_HASH;
  if (base === SIGHASH_ALL) {
    const w = new ByteWriter();
    for (const o of tx.outputs) writeOutput(w, o, tx.version);
    outputs = hash(w);
  } else if (base === SIGHASH_SINGLE && inputIndex < tx.outputs.length) {
    const w = new ByteWriter();
    writeOutput(w, tx.outputs[inputIndex]!, tx.version);
    outputs = hash(w);
  }
  const payload = tx.subnetworkId === SUBNETWORK_NATIVE && tx.payload === "" ? ZERO_HASH : hash(new ByteWriter().varBytes(tx.payload));

  const w = new ByteWriter().u16(tx.version).bytes(previousOutputs).bytes(sequences);
  if (v0) w.bytes(anyoneCanPay ? ZERO_HASH : hash(tx.inputs.reduce((acc, i) => acc.u8(i.sigOpCount), new ByteWriter())));
  const spk = splitScriptPublicKey(utxo.scriptPublicKey);
  w.bytes(input.previousOutpoint.transactionId).u32(input.previousOutpoint.index);
  w.u16(spk.version).varBytes(spk.script).u64(utxo.amount).u64(input.sequence);
  if (v0) w.u8(input.sigOpCount);
  w.bytes(outputs).u64(tx.lockTime).bytes(tx.subnetworkId).u64(tx.gas).bytes(payload).u8(hashType);
  return hash(w);
}
