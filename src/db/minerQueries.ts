// Read-only queries behind the miner pages of the HTTP API.

import { MS } from "./apiQueries.ts";
import type { Queryable } from "./database.ts";
import { REJECTED_SUM } from "./history.ts";

export interface WorkerRow {
  worker: string; mode: string; last_ms: string | null; work_10m: number; work_1h: number; work_24h: number;
  accepted_24h: string; rejected_24h: string;
}

/** Every worker of an address seen in the last 7 days, with its work over 10 minutes, 1 hour and 24 hours. */
export async function minerWorkers(q: Queryable, address: string, nowMs: number): Promise<WorkerRow[]> {
  return q.query(
    `SELECT worker, min(mode) AS mode, ${MS("max(last_share_at)")} AS last_ms,
       coalesce(sum(work) FILTER (WHERE slot >= date_trunc('minute', to_timestamp(($2::float8 - 600000) / 1000.0))), 0) AS work_10m,
       coalesce(sum(work) FILTER (WHERE slot >= date_trunc('minute', to_timestamp(($2::float8 - 3600000) / 1000.0))), 0) AS work_1h,
       coalesce(sum(work) FILTER (WHERE slot >= date_trunc('minute', to_timestamp(($2::float8 - 86400000) / 1000.0))), 0) AS work_24h,
       coalesce(sum(accepted) FILTER (WHERE slot >= date_trunc('minute', to_timestamp(($2::float8 - 86400000) / 1000.0))), 0)::text AS accepted_24h,
       coalesce(sum(${REJECTED_SUM})
         FILTER (WHERE slot >= date_trunc('minute', to_timestamp(($2::float8 - 86400000) / 1000.0))), 0)::text AS rejected_24h
     FROM share_history WHERE address = $1 AND slot >= to_timestamp(($2::float8 - 604800000) / 1000.0)
     GROUP BY worker ORDER BY worker`,
    [address, nowMs]);
}

export async function minerBalance(q: Queryable, address: string): Promise<{ balance: string; earned: string }> {
  const [r] = await q.query<{ balance: string; earned: string }>(
    `SELECT (SELECT coalesce(sum(balance), 0) FROM miners_balance WHERE wallet = $1)::text AS balance,
            (SELECT coalesce(sum(total), 0) FROM wallet_total WHERE address = $1)::text AS earned`, [address]);
  return r!;
}

export interface LedgerRow {
  id: string; miner_id: string; amount: string; reason: string; block_hash: string | null; payment_id: string | null;
  note: string | null; created_ms: string;
}

export async function ledgerPage(q: Queryable, o: { wallet: string; before: string | null; limit: number }): Promise<LedgerRow[]> {
  return q.query(
    `SELECT id::text AS id, miner_id, amount::text AS amount, reason, block_hash, payment_id::text AS payment_id, note,
       ${MS("created_at")} AS created_ms FROM ledger WHERE wallet = $1 AND ($2::bigint IS NULL OR ledger.id < $2)
     ORDER BY ledger.id DESC LIMIT $3`,
    [o.wallet, o.before, o.limit + 1]);
}

/** Credits (block credits net of nothing else) per UTC day over the last `days` days, oldest first. */
export async function dailyEarnings(q: Queryable, wallet: string, fromMs: number): Promise<Array<{ day: string; amount: string }>> {
  return q.query(
    `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, sum(amount)::text AS amount
     FROM ledger WHERE wallet = $1 AND reason = 'block_credit' AND created_at >= to_timestamp($2 / 1000.0)
     GROUP BY 1 ORDER BY 1`,
    [wallet, fromMs]);
}
