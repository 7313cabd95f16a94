// wRPC JSON framing, server side (node-rpc.md §2, workflow-rs rpc/src/messages.rs): requests are
// {"id","method","params"}; replies echo id and method with "params" or "error"; notifications carry no id.
// A message the node could not decode (bad JSON, unknown op, id that is not a u64, no params) makes it drop the
// connection without a reply, so decodeRequest reports those as "malformed" for the server to close on.

import { parseJsonObject, stringifyJson, U64_MAX } from "../common/json.ts";
import { RPC_OPS } from "./ops.ts";


/** A request id exactly as the client wrote it (number or bigint), so it is echoed bit for bit. */
export type RequestId = number | bigint;

export type ClientMessage =
  | { kind: "request"; id: RequestId; method: string; params: unknown }
  | { kind: "notification"; method: string; params: unknown }
  | { kind: "malformed"; reason: string };

export function decodeRequest(text: string): ClientMessage {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return { kind: "malformed", reason: parsed.reason };
  const msg = parsed.value;
  if (typeof msg.method !== "string" || !RPC_OPS.has(msg.method)) return { kind: "malformed", reason: "unknown method" };
  if (!("params" in msg)) return { kind: "malformed", reason: "missing params" };
  const { id, method, params } = msg;
  if (id === undefined || id === null) return { kind: "notification", method, params };
  if (!isU64(id)) return { kind: "malformed", reason: "id is not a u64" };
  return { kind: "request", id, method, params };
}

function isU64(id: unknown): id is RequestId {
  if (typeof id === "number") return Number.isSafeInteger(id) && id >= 0;
  return typeof id === "bigint" && id >= 0n && id <= U64_MAX;
}

export function encodeResult(id: RequestId, method: string, params: unknown): string {
  return stringifyJson({ id, method, params });
}

export function encodeError(id: RequestId, method: string, message: string): string {
  return stringifyJson({ id, method, error: { code: 0, message, data: null } });
}

export function encodeNotification(method: string, params: unknown): string {
  return stringifyJson({ method, params });
}
