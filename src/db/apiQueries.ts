// Read-only queries behind the HTTP API: balances, blocks, payments and share history. Every amount leaves as
// NUMERIC text (bigint-safe); times leave as unix ms text.

import type { Queryable } from "./database.ts";

/** A timestamp column as unix ms text. */
export const MS = (col: string) => `(extract(epoch FROM ${col}) * 1000)::bigint::text`;

export async function balances(q: Queryable, address: string | null): Promise<Array<{ wallet: string; miner_id: string; balance: string }>> {
  return q.query(
    `SELECT wallet, miner_id, coalesce(balance, 0)::text AS balance FROM miners_balance
     WHERE $1::text IS NULL OR wallet = $1 ORDER BY wallet, miner_id`, [address]);
}

export async function totals(q: Queryable, address: string | null): Promise<Array<{ address: string; total: string }>> {
  return q.query(
    `SELECT address, coalesce(total, 0)::text AS total FROM wallet_total WHERE $1::text IS NULL OR address = $1 ORDER BY address`,
    [address]);
}

export interface BlockRow {
  hash: string; status: string; color: string; confirmations: string | null; daa_score: string; mode: string;
  finder_address: string; finder_worker: string; network_difficulty: number; reward: string | null;
  found_ms: string; matured_ms: string | null; credited_ms: string | null;
}

const BLOCK_COLUMNS = `hash, status, color, confirmations::text AS confirmations, daa_score::text AS daa_score, mode, finder_address,
  finder_worker, network_difficulty, reward::text AS reward, ${MS("found_at")} AS found_ms, ${MS("matured_at")} AS matured_ms,
  ${MS("credited_at")} AS credited_ms`;

/** Newest first, keyset-paged on (found_at, hash); `finderOrWindow` narrows to blocks an address found or shared in. */
export async function blocksPage(q: Queryable, o: { status: string | null; before: string | null; limit: number; address?: string }): Promise<BlockRow[]> {
  const [ms, hash] = o.before ? o.before.split("_") : [null, null];
  return q.query(
    `SELECT ${BLOCK_COLUMNS} FROM blocks b
     WHERE ($1::text IS NULL OR status = $1)
       AND ($2::float8 IS NULL OR (found_at, hash) < (to_timestamp($2 / 1000.0), $3::text))
       AND ($5::text IS NULL OR finder_address = $5 OR hash IN (SELECT block_hash FROM block_windows WHERE address = $5))
     ORDER BY found_at DESC, hash DESC LIMIT $4`,
    [o.status, ms, hash, o.limit + 1, o.address ?? null]);
}

export async function blockByHash(q: Queryable, hash: string): Promise<BlockRow | null> {
  const [row] = await q.query<BlockRow>(`SELECT ${BLOCK_COLUMNS} FROM blocks WHERE hash = $1`, [hash]);
  return row ?? null;
}

export async function blockWindowSummary(q: Queryable, hash: string): Promise<{ miners: number; workers: number; shares: number }> {
  const [r] = await q.query<{ miners: string; workers: string; shares: string }>(
    `SELECT count(DISTINCT address)::text AS miners, count(*)::text AS workers, coalesce(sum(share_count), 0)::text AS shares
     FROM block_windows WHERE block_hash = $1`, [hash]);
  return { miners: Number(r!.miners), workers: Number(r!.workers), shares: Number(r!.shares) };
}

/** What `address` was credited for each of `hashes` (sompi as text; "0" for a block it had no share in). */
export async function blockCredits(q: Queryable, hashes: readonly string[], address: string): Promise<Map<string, string>> {
  const rows = await q.query<{ block_hash: string; s: string }>(
    `SELECT block_hash, sum(amount)::text AS s FROM ledger
      WHERE block_hash = ANY($1::text[]) AND wallet = $2 AND reason = 'block_credit' GROUP BY block_hash`, [hashes, address]);
  const credited = new Map(rows.map((r) => [r.block_hash, r.s]));
  return new Map(hashes.map((h) => [h, credited.get(h) ?? "0"]));
}

export async function blockCounts(q: Queryable): Promise<Record<string, number>> {
  const rows = await q.query<{ status: string; n: string }>("SELECT status, count(*)::text AS n FROM blocks GROUP BY status");
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Mean reward of the last matured blocks: what a block pays, for earnings estimates; null before the first. */
export async function recentMeanReward(q: Queryable): Promise<bigint | null> {
  const [r] = await q.query<{ s: string | null; n: string }>(
    `SELECT sum(reward)::text AS s, count(*)::text AS n FROM (SELECT reward FROM blocks WHERE reward IS NOT NULL
     ORDER BY found_at DESC LIMIT 100) x`);
  return r!.s === null || r!.n === "0" ? null : BigInt(r!.s) / BigInt(r!.n);
}

export interface PaymentRow { id: string; wallet: string; amount: string; status: string; txid: string | null; created_ms: string }

export async function paymentsPage(q: Queryable, o: { before: string | null; limit: number; wallet?: string }): Promise<PaymentRow[]> {
  return q.query(
    `SELECT id::text AS id, wallet, amount::text AS amount, status, txid, ${MS("created_at")} AS created_ms FROM payments
     WHERE ($1::bigint IS NULL OR payments.id < $1) AND ($3::text IS NULL OR wallet = $3) ORDER BY payments.id DESC LIMIT $2`,
    [o.before, o.limit + 1, o.wallet ?? null]);
}

export async function paidTotal(q: Queryable, wallet: string | null): Promise<string> {
  const [r] = await q.query<{ s: string }>(
    "SELECT coalesce(sum(amount), 0)::text AS s FROM payments WHERE status = 'confirmed' AND ($1::text IS NULL OR wallet = $1)", [wallet]);
  return r!.s;
}

/** The end (unix ms) of the minutes summed into pool_history so far; 0 before the first. */
async function poolUpto(q: Queryable): Promise<number> {
  const [r] = await q.query<{ ms: string | null }>(
    "SELECT (extract(epoch FROM max(slot) + interval '1 minute') * 1000)::float8::text AS ms FROM pool_history");
  return r?.ms ? Number(r.ms) : 0;
}

/**
 * Pool-wide minutes in [$1, $2) as (slot, span, mode, work, accepted): pool_history before $3 (where it has summed
 * them), share_history (every worker's rows) only after. $3 is a parameter, not a subquery, so the planner sees
 * the short range of share_history it reads.
 */
const POOL_MINUTES = `WITH pool AS (
    SELECT slot, 60 AS span, mode, work, accepted FROM pool_history
    WHERE slot >= to_timestamp($1::float8 / 1000.0) AND slot < to_timestamp(least($2::float8, $3::float8) / 1000.0)
    UNION ALL
    SELECT slot, span, mode, sum(work), sum(accepted) FROM share_history
    WHERE slot >= to_timestamp(greatest($1::float8, $3::float8) / 1000.0) AND slot < to_timestamp($2::float8 / 1000.0) GROUP BY slot, span, mode)`;

/** Summed work per mode since `fromMs` (share units). */
export async function workByMode(q: Queryable, fromMs: number): Promise<{ pplns: number; solo: number }> {
  const rows = await q.query<{ mode: "pplns" | "solo"; work: number }>(
    `${POOL_MINUTES} SELECT mode, sum(work) AS work FROM pool GROUP BY mode`, [fromMs, fromMs + 31_536_000_000, await poolUpto(q)]);
  const out = { pplns: 0, solo: 0 };
  for (const r of rows) out[r.mode] = Number(r.work);
  return out;
}

export async function activeCounts(q: Queryable, fromMs: number): Promise<{ miners: number; workers: number }> {
  const [r] = await q.query<{ miners: string; workers: string }>(
    `SELECT count(DISTINCT address)::text AS miners, count(DISTINCT (address, worker))::text AS workers FROM share_history
     WHERE slot >= to_timestamp($1 / 1000.0) AND accepted > 0`, [fromMs]);
  return { miners: Number(r!.miners), workers: Number(r!.workers) };
}

/** Addresses by work since `fromMs`, most first. */
export async function topMiners(q: Queryable, fromMs: number, limit: number): Promise<Array<{ address: string; work: number; workers: string }>> {
  return q.query(
    `SELECT address, sum(work) AS work, count(DISTINCT worker)::text AS workers FROM share_history
     WHERE slot >= to_timestamp($1 / 1000.0) GROUP BY address ORDER BY sum(work) DESC, address LIMIT $2`, [fromMs, limit]);
}

/** Work (share units) summed into one bucket of a series; a slot longer than the bucket keeps its span. */
export interface WorkRow { slot_ms: string; span: number; worker: string; work: number }

/** Accepted and refused shares summed into one bucket of a series. */
export interface CountRow {
  slot_ms: string; accepted: string; rejected_job_not_found: string; rejected_duplicate: string; rejected_low_difficulty: string;
  rejected_malformed: string; rejected_unauthorized: string;
}

/** Pool-wide history slots in [from, to), summed per (slot, span). */
export async function poolSlots(q: Queryable, from: number, to: number): Promise<WorkRow[]> {
  return q.query(
    `${POOL_MINUTES} SELECT ${MS("slot")} AS slot_ms, span, '' AS worker, sum(work) AS work FROM pool GROUP BY slot, span ORDER BY slot`,
    [from, to, await poolUpto(q)]);
}

/**
 * One address's rows in [$1, $2) with `b`, the start (unix seconds) of the $4-second bucket holding each, and the
 * span capped at the bucket: a slot longer than the bucket (an hour in a 5-minute series) keeps its own start.
 * Epochs are float8 and the caller groups on `b` before it becomes text: numeric epochs and a text group key per
 * row made a 24-hour series of 10 workers (14,400 rows) twice as slow.
 */
const addressBuckets = (columns: string) => `SELECT
    CASE WHEN span <= $4::int THEN floor(date_part('epoch', slot) / $4::int) * $4::int ELSE date_part('epoch', slot) END AS b,
    least(span, $4::int) AS span, ${columns}
  FROM share_history WHERE address = $3 AND slot >= to_timestamp($1 / 1000.0) AND slot < to_timestamp($2 / 1000.0)`;

interface AddressRange { from: number; to: number; address: string; bucketSeconds: number }

/** One address's work in [from, to) per bucket and worker. */
export async function workerWork(q: Queryable, o: AddressRange): Promise<WorkRow[]> {
  return q.query(
    `SELECT (b * 1000)::bigint::text AS slot_ms, span, worker, sum(work) AS work FROM (${addressBuckets("worker, work")}) h
     GROUP BY b, span, worker ORDER BY b`,
    [o.from, o.to, o.address, o.bucketSeconds]);
}

/** One address's share counts in [from, to) per bucket, all workers together. */
export async function historyCounts(q: Queryable, o: AddressRange): Promise<CountRow[]> {
  return q.query(
    `SELECT (b * 1000)::bigint::text AS slot_ms, sum(accepted)::text AS accepted,
       sum(rejected_job_not_found)::text AS rejected_job_not_found, sum(rejected_duplicate)::text AS rejected_duplicate,
       sum(rejected_low_difficulty)::text AS rejected_low_difficulty, sum(rejected_malformed)::text AS rejected_malformed,
       sum(rejected_unauthorized)::text AS rejected_unauthorized
     FROM (${addressBuckets("accepted, rejected_job_not_found, rejected_duplicate, rejected_low_difficulty, rejected_malformed, rejected_unauthorized")}) h
     GROUP BY b ORDER BY b`,
    [o.from, o.to, o.address, o.bucketSeconds]);
}
