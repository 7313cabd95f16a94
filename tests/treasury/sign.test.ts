// Signing and the submitTransaction shape; txid and sighash against kaspa-wasm 0.13.0 on a planned payout.

import { expect, test } from "bun:test";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "../../src/common/hex.ts";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { parseTransaction, sigHash, transactionId, verifyInputSignature } from "../../src/kaspa/tx/index.ts";
import { submitTransactionParams } from "../../src/treasury/build.ts";
import { planPayouts } from "../../src/treasury/plan.ts";
import { signPayout } from "../../src/treasury/sign.ts";
import { WasmScriptPublicKey, WasmSignableTransaction, WasmTransaction, WasmTransactionInput, WasmTransactionOutput, WasmUtxoEntries } from "../../wasm/index.ts";
import { amounts, KAS, key, payees, TREASURY, TREASURY_KEY, utxos } from "./fixtures.ts";

const plan = planPayouts({
  payees: payees(amounts(12, KAS, 30n * KAS)),
  utxos: utxos(amounts(9, 5n * KAS, 60n * KAS, 3)),
  changeAddress: TREASURY,
  feePerKg: 123_456n,
});
const payout = plan.payouts[0]!;
const entries = payout.inputs.map((u) => u.entry);
const signed = signPayout(payout.tx, entries, TREASURY_KEY);

test("the planned payout has several inputs and outputs, for a meaningful comparison", () => {
  expect(plan.payouts).toHaveLength(1);
  expect(payout.inputs.length).toBeGreaterThan(2);
  expect(payout.tx.outputs.length).toBe(13);
});

test("every input verifies with our verifier; a changed output or another key does not", () => {
  signed.inputs.forEach((_, i) => expect(verifyInputSignature(signed, i, entries)).toBe(true));
  const tampered = { ...signed, outputs: signed.outputs.map((o, i) => (i === 0 ? { ...o, value: o.value + 1n } : o)) };
  expect(verifyInputSignature(tampered, 0, entries)).toBe(false);
  expect(() => signPayout(payout.tx, entries, key(99))).toThrow("not the signing key's script");
  expect(() => signPayout(payout.tx, entries.slice(1), TREASURY_KEY)).toThrow("UTXO entries");
});

test("the submitTransaction params round-trip through lossless JSON to the same transaction and id", () => {
  const params = parseJson(stringifyJson(submitTransactionParams(signed))) as { transaction: unknown; allowOrphan: boolean };
  expect(params.allowOrphan).toBe(false);
  expect(parseTransaction(params.transaction)).toEqual(signed);
  expect(transactionId(parseTransaction(params.transaction))).toBe(transactionId(signed));
  expect(stringifyJson(submitTransactionParams(signed))).toContain('"storageMass":0');
});

test("txid and every input's sighash equal kaspa-wasm's for the same transaction", () => {
  const spk = (hex: string) => new WasmScriptPublicKey(Number.parseInt(hex.slice(0, 4), 16), hex.slice(4));
  const wasmTx = new WasmTransaction({
    version: signed.version,
    inputs: signed.inputs.map((i) => new WasmTransactionInput({ previousOutpoint: i.previousOutpoint, signatureScript: i.signatureScript, sequence: i.sequence, sigOpCount: i.sigOpCount })),
    outputs: signed.outputs.map((o) => new WasmTransactionOutput(o.value, spk(o.scriptPublicKey))),
    lockTime: signed.lockTime, subnetworkId: signed.subnetworkId, gas: signed.gas, payload: signed.payload,
  });
  const wasmEntries = new WasmUtxoEntries(payout.inputs.map((u) => ({
    address: TREASURY,
    outpoint: u.outpoint,
    utxoEntry: { amount: u.entry.amount, scriptPublicKey: spk(u.entry.scriptPublicKey), blockDaaScore: u.entry.blockDaaScore, isCoinbase: u.entry.isCoinbase },
  })));
  expect(wasmTx.id).toBe(transactionId(signed));
  const wasmHashes = new WasmSignableTransaction(wasmTx, wasmEntries).getScriptHashes() as string[];
  expect(wasmHashes).toEqual(signed.inputs.map((_, i) => bytesToHex(sigHash(signed, i, entries))));
  // The signatures are BIP-340 over exactly those hashes.
  const pub = schnorr.getPublicKey(TREASURY_KEY);
  signed.inputs.forEach((input, i) => expect(schnorr.verify(hexToBytes(input.signatureScript.slice(2, 130)), hexToBytes(wasmHashes[i]!), pub)).toBe(true));
});
