// Pool → miner lines turned into typed messages, and miner → pool requests built (spec §3.1–§3.8).

import { parseJson, stringifyJson } from "../common/json.ts";

export type ServerMessage =
  | { kind: "notify"; params: unknown }
  | { kind: "difficulty"; difficulty: number }
  | { kind: "extranonce"; extranonce: string }
  | { kind: "reply"; id: unknown; result: unknown; error: string | null }
  | { kind: "other"; method: string };

function firstParam(msg: Record<string, unknown>, method: string): unknown {
  if (!Array.isArray(msg.params) || msg.params.length === 0) throw new TypeError(`${method} without params`);
  return msg.params[0];
}

/** Throws a TypeError with a one-line reason for anything that is not a stratum message we understand. */
export function parseServerMessage(line: string): ServerMessage {
  let msg: unknown;
  try {
    msg = parseJson(line);
  } catch {
    throw new TypeError("pool sent a line that is not JSON");
  }
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) throw new TypeError("pool sent a non-object message");
  const m = msg as Record<string, unknown>;
  if (typeof m.method === "string") {
    switch (m.method) {
      case "mining.notify":
        return { kind: "notify", params: m.params };
      case "mining.set_difficulty": {
        const d = firstParam(m, m.method);
        const difficulty = typeof d === "string" ? Number(d) : d;
        if (typeof difficulty !== "number" || !Number.isFinite(difficulty) || difficulty <= 0) {
          throw new TypeError("mining.set_difficulty with a difficulty that is not a positive number");
        }
        return { kind: "difficulty", difficulty };
      }
      // Miningcore and 666pool send the unprefixed name, with [extranonce, size]; bridges send [extranonce].
      case "mining.set_extranonce":
      case "set_extranonce": {
        const e = firstParam(m, m.method);
        if (typeof e !== "string") throw new TypeError(`${m.method} with a non-string extranonce`);
        return { kind: "extranonce", extranonce: e };
      }
      default:
        return { kind: "other", method: m.method };
    }
  }
  if ("id" in m && ("result" in m || "error" in m)) {
    return { kind: "reply", id: m.id, result: m.result, error: describeError(m.error) };
  }
  throw new TypeError("pool sent a message that is neither a request nor a reply");
}

/** Bridges send `[code, message, data]`, Miningcore `{code, message}` (spec §3.8); both become "code message". */
export function describeError(error: unknown): string | null {
  if (error === null || error === undefined || error === false) return null;
  if (Array.isArray(error)) return error.slice(0, 2).map(String).join(" ");
  if (typeof error === "object") {
    const e = error as { code?: unknown; message?: unknown };
    return [e.code, e.message].filter((x) => x !== undefined).map(String).join(" ") || "unknown error";
  }
  return String(error);
}

/** The extranonce carried by a Bitmain-style subscribe result `[null, extranonce, size]`, if any. */
export function subscribeExtranonce(result: unknown): string | null {
  if (Array.isArray(result) && result[0] === null && typeof result[1] === "string") return result[1];
  return null;
}

export function request(id: number, method: string, params: unknown[]): string {
  return stringifyJson({ id, method, params }) + "\n";
}
