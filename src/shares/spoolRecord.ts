// One spool line: a share or a found block as JSON. Decoding checks every field, so a damaged line is refused
// here instead of failing the replay into the database again and again.

import { isJsonObject, toBigInt, U64_MAX, type JsonObject } from "../common/json.ts";
import type { StoredShare } from "../db/shares.ts";
import type { FoundBlock } from "./types.ts";

export type SpoolRecord = { kind: "share"; share: StoredShare } | { kind: "block"; block: FoundBlock };

// u64 fields travel as decimal strings so every value, small or large, reads back as bigint.
export function encodeRecord(r: SpoolRecord): string {
  if (r.kind === "share") return JSON.stringify({ kind: "share", share: { ...r.share, nonce: r.share.nonce.toString() } });
  return JSON.stringify({ kind: "block", block: { ...r.block, daaScore: r.block.daaScore.toString() } });
}

/** The record on one line; throws, saying what is wrong, for anything else. */
export function decodeRecord(line: string): SpoolRecord {
  const r: unknown = JSON.parse(line);
  if (!isJsonObject(r)) throw new Error("not a JSON object");
  if (r.kind === "share" && isJsonObject(r.share)) return { kind: "share", share: decodeShare(r.share) };
  if (r.kind === "block" && isJsonObject(r.block)) return { kind: "block", block: decodeBlock(r.block) };
  throw new Error(`unknown spool record kind: ${String(r.kind)}`);
}

function decodeShare(s: JsonObject): StoredShare {
  return {
    address: text(s, "address"), worker: text(s, "worker", true), mode: mode(s), difficulty: positive(s, "difficulty"),
    jobId: text(s, "jobId"), nonce: u64(s, "nonce"), timestamp: finite(s, "timestamp"),
    // Spools written before shares carried their run belong to run '' (migration 003).
    run: s.run === undefined ? "" : text(s, "run", true),
  };
}

function decodeBlock(b: JsonObject): FoundBlock {
  const hash = text(b, "hash");
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new Error("block hash is not 32-byte hex");
  if (typeof b.accepted !== "boolean") throw new Error("block without accepted flag");
  if (b.rejectReason !== null && typeof b.rejectReason !== "string") throw new Error("block reject reason is not text");
  const block: FoundBlock = {
    hash, address: text(b, "address"), worker: text(b, "worker", true), mode: mode(b), daaScore: u64(b, "daaScore"),
    networkDifficulty: positive(b, "networkDifficulty"), accepted: b.accepted, rejectReason: b.rejectReason,
    foundAt: finite(b, "foundAt"),
  };
  // A block no node answered carries the exact JSON it is resubmitted from.
  if (b.pendingBlock !== undefined) block.pendingBlock = text(b, "pendingBlock");
  return block;
}

function text(o: JsonObject, key: string, emptyOk = false): string {
  const v = o[key];
  if (typeof v !== "string" || (!emptyOk && v === "")) throw new Error(`${key} is not text`);
  return v;
}

function mode(o: JsonObject): "pplns" | "solo" {
  if (o.mode !== "pplns" && o.mode !== "solo") throw new Error(`unknown mode ${String(o.mode)}`);
  return o.mode;
}

function finite(o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${key} is not a number`);
  return v;
}

function positive(o: JsonObject, key: string): number {
  const v = finite(o, key);
  if (!(v > 0)) throw new Error(`${key} is not positive`);
  return v;
}

function u64(o: JsonObject, key: string): bigint {
  if (typeof o[key] !== "string") throw new Error(`${key} is not a decimal string`);
  const v = toBigInt(o[key], key);
  if (v < 0n || v > U64_MAX) throw new Error(`${key} is not a u64`);
  return v;
}
