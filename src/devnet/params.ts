// Readers for request params with serde's strictness: a missing required field or a value of the wrong JSON type
// is a BadParams (the node's "request deserialization error"); unknown fields are ignored, as serde does.

import { isJsonObject as isObject, U64_MAX } from "../common/json.ts";
import { BadParams } from "./errors.ts";

const HASH_HEX = /^[0-9a-fA-F]{64}$/;

export type Params = Record<string, unknown>;


export function asObject(value: unknown, what = "params"): Params {
  if (!isObject(value)) throw new BadParams(`${what} is not an object`);
  return value;
}

export function readString(params: Params, key: string): string {
  const v = params[key];
  if (typeof v !== "string") throw new BadParams(`${key} is not a string`);
  return v;
}

export function readBool(params: Params, key: string): boolean {
  const v = params[key];
  if (typeof v !== "boolean") throw new BadParams(`${key} is not a bool`);
  return v;
}

export function readArray(params: Params, key: string): unknown[] {
  const v = params[key];
  if (!Array.isArray(v)) throw new BadParams(`${key} is not an array`);
  return v;
}

/** A JSON integer in u64 range, as bigint. Strings and floats are refused, as serde's u64 does. */
export function toU64(value: unknown, what: string): bigint {
  let v: bigint;
  if (typeof value === "bigint") v = value;
  else if (typeof value === "number" && Number.isInteger(value)) v = BigInt(value);
  else throw new BadParams(`${what} is not an integer`);
  if (v < 0n || v > U64_MAX) throw new BadParams(`${what} is out of u64 range`);
  return v;
}

export function readHash(params: Params, key: string): string {
  const v = readString(params, key);
  if (!HASH_HEX.test(v)) throw new BadParams(`${key} is not a 32-byte hex hash`);
  return v.toLowerCase();
}

/** A JSON array of byte values (how the node takes getBlockTemplate's extraData). */
export function readBytes(params: Params, key: string): Uint8Array {
  const list = readArray(params, key);
  const out = new Uint8Array(list.length);
  list.forEach((b, i) => {
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) throw new BadParams(`${key}[${i}] is not a byte`);
    out[i] = b;
  });
  return out;
}
