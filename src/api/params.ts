// Query and path parameters: each is checked here, and a bad one becomes a 400 that names it.

import { checkAddress } from "../kaspa/address.ts";
import type { NetworkId } from "../config/types.ts";

export class ApiError extends Error {
  constructor(readonly status: 400 | 404 | 405 | 429 | 503, readonly code: string, message: string) {
    super(message);
  }
}

export const badParam = (name: string, why: string) => new ApiError(400, "invalid_parameter", `${name}: ${why}`);

export function address(value: string, network: NetworkId): string {
  const problem = value.length > 200 ? "too long" : checkAddress(value, network);
  if (problem) throw badParam("address", problem);
  return value;
}

export function blockHash(value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw badParam("hash", "must be 64 hex digits");
  return value.toLowerCase();
}

const MAX_LIMIT = 100;

export function limit(value: string | undefined, fallback = 25): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT) throw badParam("limit", `must be an integer from 1 to ${MAX_LIMIT}`);
  return Number(value);
}

/** A keyset cursor: the `next_before` of the previous page, matched against the endpoint's own pattern. */
export function before(value: string | undefined, pattern: RegExp): string | null {
  if (value === undefined) return null;
  if (!pattern.test(value)) throw badParam("before", "not a cursor this list returned (use next_before)");
  return value;
}

export const ID_CURSOR = /^\d{1,19}$/;
/** Blocks page by (found_at in unix ms, hash). */
export const BLOCK_CURSOR = /^\d{1,15}_[0-9a-f]{64}$/;

const BUCKETS = { "1m": 60, "5m": 300, "1h": 3600, "1d": 86400 } as const;
export type Bucket = keyof typeof BUCKETS;
const MAX_POINTS = 1000;

export interface SeriesRange {
  bucket: Bucket;
  bucketSeconds: number;
  /** Unix ms, aligned to the bucket; `to` is exclusive. */
  from: number;
  to: number;
}

function time(name: string, value: string): number {
  const ms = /^\d{1,12}$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms) || !/^\d{1,12}$|^\d{4}-\d{2}-\d{2}/.test(value)) throw badParam(name, "must be ISO-8601 or unix seconds");
  return ms;
}

/** `?from&to&bucket`: defaults to the last 24 hours in 5-minute buckets; at most 1000 points. */
export function series(q: { from?: string; to?: string; bucket?: string }, now: number): SeriesRange {
  const bucket = (q.bucket ?? "5m") as Bucket;
  if (!(bucket in BUCKETS)) throw badParam("bucket", `must be one of ${Object.keys(BUCKETS).join(", ")}`);
  const step = BUCKETS[bucket] * 1000;
  const toRaw = q.to === undefined ? now : time("to", q.to);
  const fromRaw = q.from === undefined ? toRaw - 86_400_000 : time("from", q.from);
  if (fromRaw >= toRaw) throw badParam("from", "must be before to");
  const from = Math.floor(fromRaw / step) * step;
  const to = Math.ceil(toRaw / step) * step;
  if ((to - from) / step > MAX_POINTS) throw badParam("from", `range holds more than ${MAX_POINTS} ${bucket} buckets`);
  return { bucket, bucketSeconds: BUCKETS[bucket], from, to };
}
