// RPC JSON -> Transaction, with an error naming the first bad field (node-rpc.md §5.1; rusty-kaspa
// rpc/core/src/model/tx.rs). Mass fields and verbose data are ignored: the node recomputes mass itself.

import { toBigInt, U64_MAX } from "../../common/json.ts";
import type { Transaction, TxInput, TxOutput } from "./types.ts";


type Obj = Record<string, unknown>;

function object(v: unknown, field: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${field}: expected an object`);
  return v as Obj;
}

function u64(v: unknown, field: string): bigint {
  let n: bigint;
  try {
    n = toBigInt(v, field);
  } catch {
    throw new Error(`${field}: expected an unsigned 64-bit integer`);
  }
  if (n < 0n || n > U64_MAX) throw new Error(`${field}: ${n} is out of the u64 range`);
  return n;
}

function uint(v: unknown, field: string, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new Error(`${field}: expected an integer from 0 to ${max}`);
  return v;
}

function hex(v: unknown, field: string, bytes?: number): string {
  if (typeof v !== "string" || v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v)) throw new Error(`${field}: expected a hex string`);
  if (bytes !== undefined && v.length !== bytes * 2) throw new Error(`${field}: expected ${bytes} bytes of hex`);
  return v.toLowerCase();
}

/** The RPC form is one hex string; the node also accepts {version, script}. */
function scriptPublicKey(v: unknown, field: string): string {
  if (typeof v === "string") {
    const s = hex(v, field);
    if (s.length < 4) throw new Error(`${field}: expected a 2-byte version before the script`);
    return s;
  }
  const o = object(v, field);
  return uint(o.version, `${field}.version`, 0xffff).toString(16).padStart(4, "0") + hex(o.script, `${field}.script`);
}

function input(v: unknown, field: string): TxInput {
  const o = object(v, field);
  const prev = object(o.previousOutpoint, `${field}.previousOutpoint`);
  const parsed: TxInput = {
    previousOutpoint: {
      transactionId: hex(prev.transactionId, `${field}.previousOutpoint.transactionId`, 32),
      index: uint(prev.index, `${field}.previousOutpoint.index`, 0xffffffff),
    },
    signatureScript: hex(o.signatureScript, `${field}.signatureScript`),
    sequence: u64(o.sequence, `${field}.sequence`),
    sigOpCount: uint(o.sigOpCount, `${field}.sigOpCount`, 0xff),
  };
  if (o.computeBudget !== undefined && o.computeBudget !== null) parsed.computeBudget = uint(o.computeBudget, `${field}.computeBudget`, 0xffff);
  return parsed;
}

function output(v: unknown, field: string): TxOutput {
  const o = object(v, field);
  const parsed: TxOutput = { value: u64(o.value, `${field}.value`), scriptPublicKey: scriptPublicKey(o.scriptPublicKey, `${field}.scriptPublicKey`) };
  if (o.covenant !== undefined && o.covenant !== null) {
    const c = object(o.covenant, `${field}.covenant`);
    parsed.covenant = {
      authorizingInput: uint(c.authorizingInput, `${field}.covenant.authorizingInput`, 0xffff),
      covenantId: hex(c.covenantId, `${field}.covenant.covenantId`, 32),
    };
  }
  return parsed;
}

export function parseTransaction(json: unknown): Transaction {
  const o = object(json, "transaction");
  if (!Array.isArray(o.inputs)) throw new Error("transaction.inputs: expected an array");
  if (!Array.isArray(o.outputs)) throw new Error("transaction.outputs: expected an array");
  return {
    version: uint(o.version, "transaction.version", 0xffff),
    inputs: o.inputs.map((v, i) => input(v, `transaction.inputs[${i}]`)),
    outputs: o.outputs.map((v, i) => output(v, `transaction.outputs[${i}]`)),
    lockTime: u64(o.lockTime, "transaction.lockTime"),
    subnetworkId: hex(o.subnetworkId, "transaction.subnetworkId", 20),
    gas: u64(o.gas, "transaction.gas"),
    payload: hex(o.payload, "transaction.payload"),
  };
}
