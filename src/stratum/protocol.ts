// Stratum wire messages: parsing miner requests and building every line the pool sends (spec §3.1–§3.8).
// Lines are newline-terminated JSON; u64 job words go out as bare integer literals through stringifyJson.

import { parseJson, stringifyJson } from "../common/json.ts";
import type { StratumError } from "./errors.ts";
import type { MinerType } from "./minerType.ts";

export type RequestId = number | string | bigint | null;

export interface StratumRequest {
  id: RequestId;
  method: string;
  params: unknown[];
}

/** Thrown for a line that is not a JSON-RPC request; carries the id when one could be read. */
export class MalformedRequest extends Error {
  constructor(message: string, readonly id: RequestId = null) {
    super(message);
  }
}

export function parseRequest(line: string): StratumRequest {
  let msg: unknown;
  try {
    // parseJson's reviver runs for every value; plain JSON.parse is the same whenever no number lost precision,
    // which is every line a miner normally sends.
    msg = JSON.parse(line);
    if (hasInexactNumber(msg)) msg = parseJson(line);
  } catch {
    throw new MalformedRequest("Malformed JSON");
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) throw new MalformedRequest("Expected a JSON object");
  const m = msg as Record<string, unknown>;
  const id = readId(m.id);
  if (typeof m.method !== "string" || m.method.length === 0) throw new MalformedRequest("Missing method", id);
  if (m.params !== undefined && !Array.isArray(m.params)) throw new MalformedRequest("params must be an array", id);
  return { id, method: m.method, params: (m.params as unknown[] | undefined) ?? [] };
}

/** A number JSON.parse may have rounded (a u64 above 2^53); parseJson must decide what it was. */
function hasInexactNumber(value: unknown): boolean {
  if (typeof value === "number") return !Number.isSafeInteger(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (hasInexactNumber(v)) return true;
    return false;
  }
  for (const key in value) if (hasInexactNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

function readId(id: unknown): RequestId {
  if (typeof id === "number" || typeof id === "string" || typeof id === "bigint") return id;
  return null;
}

export function resultLine(id: RequestId, result: unknown): string {
  // The accepted-share reply is the hottest line: built without the bigint-aware replacer when the id allows.
  if (result === true && (typeof id === "number" || id === null)) return `{"id":${JSON.stringify(id)},"result":true,"error":null}\n`;
  return stringifyJson({ id, result, error: null }) + "\n";
}

export function errorLine(id: RequestId, error: StratumError): string {
  return stringifyJson({ id, result: null, error: [error.code, error.message, null] }) + "\n";
}

/** IceRiver gets `{"method","params"}`; everyone else the form of the lolMiner wire log in spec §3.1. */
export function notificationLine(miner: MinerType, method: string, params: unknown[]): string {
  const msg = miner.minimalNotifications ? { method, params } : { id: null, jsonrpc: "2.0", method, params };
  return stringifyJson(msg) + "\n";
}

export const SUBSCRIBE_PROTOCOL = "EthereumStratum/1.0.0";

/** Bitmain: `[null, extranonce, extranonce2 size]`; everyone else `[true, "EthereumStratum/1.0.0"]` (spec §3.2). */
export function subscribeResult(miner: MinerType, extranonce: string): unknown[] {
  return miner.bitmain ? [null, extranonce, 8 - extranonce.length / 2] : [true, SUBSCRIBE_PROTOCOL];
}

/** Bitmain also gets the extranonce2 size (spec §3.3). */
export function setExtranonceParams(miner: MinerType, extranonce: string): unknown[] {
  return miner.bitmain ? [extranonce, 8 - extranonce.length / 2] : [extranonce];
}

export interface JobEncodings {
  /** The pre-PoW hash as four little-endian u64 words. */
  words: readonly [bigint, bigint, bigint, bigint];
  /** 64 hex of the pre-PoW hash followed by 16 hex of the little-endian timestamp. */
  bigHeader: string;
}

export function notifyParams(miner: MinerType, jobId: string, encodings: JobEncodings, timestamp: bigint): unknown[] {
  return miner.encoding === "bigheader" ? [jobId, encodings.bigHeader] : [jobId, [...encodings.words], timestamp];
}
