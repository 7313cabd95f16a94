// wRPC JSON framing (node-rpc.md §2): requests {"id","method","params"}; replies echo id and method and carry
// "params" or "error"; notifications have a method and params but no id. Client-side decode order follows
// workflow-rs rpc/src/client/protocol/serde_json.rs: error first, then id, then notification.

import { isJsonObject as isObject, parseJsonObject, stringifyJson } from "../common/json.ts";

export type ServerMessage =
  | { kind: "result"; id: bigint; method: string | null; params: unknown }
  | { kind: "error"; id: bigint | null; method: string | null; message: string }
  | { kind: "notification"; method: string; params: unknown }
  | { kind: "malformed"; reason: string };

export function encodeRequest(id: bigint, method: string, params: object): string {
  return stringifyJson({ id, method, params });
}

export function decodeServerMessage(text: string): ServerMessage {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return { kind: "malformed", reason: parsed.reason };
  const msg = parsed.value;
  const method = typeof msg.method === "string" ? msg.method : null;
  const id = msg.id === undefined || msg.id === null ? null : readId(msg.id);
  if (id === undefined) return { kind: "malformed", reason: "id is not a u64 integer" };

  if (msg.error !== undefined && msg.error !== null) {
    const message = isObject(msg.error) && typeof msg.error.message === "string" ? msg.error.message : stringifyJson(msg.error);
    return { kind: "error", id, method, message };
  }
  if (id !== null) {
    if (!("params" in msg)) return { kind: "malformed", reason: "reply without params" };
    return { kind: "result", id, method, params: msg.params };
  }
  if (method !== null && "params" in msg) return { kind: "notification", method, params: msg.params };
  return { kind: "malformed", reason: "neither a reply nor a notification" };
}

function readId(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value >= 0n ? value : undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}
