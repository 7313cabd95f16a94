// Lossless JSON for u64 values: the node and miners send integers above 2^53
// (nonces, amounts, request ids, job words), which JSON.parse would round.

const INTEGER = /^-?\d+$/;

/** The largest u64, the width of nonces, amounts and DAA scores on the wire. */
export const U64_MAX = (1n << 64n) - 1n;

/** Parses JSON; integers outside the safe range become bigint, everything else is as JSON.parse gives it. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, reviveBigInt);
}

function reviveBigInt(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && INTEGER.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}

/** Serialises JSON; bigint values are written as bare integer literals. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, replaceBigInt);
}

function replaceBigInt(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON(value.toString()) : value;
}

/** Reads a JSON integer field (number, bigint or decimal string) as bigint; throws on anything else. */
export function toBigInt(value: unknown, what = "value"): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && INTEGER.test(value)) return BigInt(value);
  throw new TypeError(`${what} is not an integer`);
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses one wire message that must be a JSON object; otherwise says why not. */
export function parseJsonObject(text: string): { ok: true; value: JsonObject } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  return isJsonObject(value) ? { ok: true, value } : { ok: false, reason: "not a JSON object" };
}
