// The ledger: every balance change with its reason. miners_balance and wallet_total move only with it.

import type { Queryable } from "./database.ts";

export type LedgerReason = "block_credit" | "fee" | "payout" | "adjustment";

export interface LedgerEntry {
  wallet: string;
  /** Worker name, as kaspool's miners_balance.miner_id. */
  minerId: string;
  /** Signed sompi: credits positive, payouts negative. */
  amount: bigint;
  reason: LedgerReason;
  blockHash: string | null;
  paymentId: bigint | null;
  note: string | null;
}

/**
 * Writes ledger rows and applies them to miners_balance (unpaid) and wallet_total (earned, so payouts do not
 * count) in one statement: balances change by exactly the rows inserted, with upserts instead of
 * select-then-write, so concurrent writers cannot lose an update.
 */
export async function applyLedger(q: Queryable, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await q.query(
    `WITH added AS (
       INSERT INTO ledger (wallet, miner_id, amount, reason, block_hash, payment_id, note)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::text[], $6::bigint[], $7::text[])
       RETURNING wallet, miner_id, amount, reason),
     balances AS (
       INSERT INTO miners_balance (id, miner_id, wallet, balance)
       SELECT miner_id || '_' || wallet, miner_id, wallet, sum(amount) FROM added GROUP BY miner_id, wallet
       ON CONFLICT (id) DO UPDATE SET balance = coalesce(miners_balance.balance, 0) + EXCLUDED.balance
       RETURNING 1)
     INSERT INTO wallet_total (address, total)
     SELECT wallet, sum(amount) FROM added WHERE reason <> 'payout' GROUP BY wallet
     ON CONFLICT (address) DO UPDATE SET total = coalesce(wallet_total.total, 0) + EXCLUDED.total`,
    [
      entries.map((e) => e.wallet),
      entries.map((e) => e.minerId),
      entries.map((e) => e.amount),
      entries.map((e) => e.reason),
      entries.map((e) => e.blockHash),
      entries.map((e) => e.paymentId),
      entries.map((e) => e.note),
    ],
  );
}
