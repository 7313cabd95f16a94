// Share rows: bulk insert that ignores shares already stored, and newest-first paging for PPLNS windows.

import type { AcceptedShare } from "../shares/types.ts";
import type { Queryable } from "./database.ts";

/** An accepted share as stored: `run` names the pool process that accepted it, since job ids restart with it. */
export interface StoredShare extends AcceptedShare {
  run: string;
}

/**
 * Inserts shares in one statement; a share whose (run, job id, nonce) is stored already is skipped. The same
 * statement adds the shares it inserted, and only those, to their minute of share_history, so a replayed spool
 * never counts work twice and history commits with the shares or not at all. Returns rows added.
 */
export async function insertShares(q: Queryable, shares: readonly StoredShare[]): Promise<number> {
  if (shares.length === 0) return 0;
  // Slots are upserted in key order, so concurrent batches lock shared rows in one order and never deadlock.
  const rows = await q.query<{ n: string }>(
    `WITH added AS (
       INSERT INTO shares (run, job_id, nonce, address, worker, mode, difficulty, accepted_at)
       SELECT r, j, n, a, w, m, d, to_timestamp(t / 1000.0)
       FROM unnest($1::text[], $2::numeric[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[])
         AS u(j, n, a, w, m, d, t, r)
       ON CONFLICT (run, job_id, nonce) DO NOTHING
       RETURNING address, worker, mode, difficulty, accepted_at),
     history AS (
       INSERT INTO share_history (address, worker, mode, span, slot, work, accepted, last_share_at)
       SELECT address, worker, mode, 60, date_trunc('minute', accepted_at), sum(difficulty), count(*), max(accepted_at)
       FROM added GROUP BY 1, 2, 3, 5 ORDER BY 1, 2, 3, 5
       ON CONFLICT (address, worker, mode, span, slot) DO UPDATE SET work = share_history.work + EXCLUDED.work,
         accepted = share_history.accepted + EXCLUDED.accepted,
         last_share_at = greatest(share_history.last_share_at, EXCLUDED.last_share_at)
       RETURNING 1)
     SELECT count(*)::text AS n FROM added`,
    [
      shares.map((s) => s.jobId),
      shares.map((s) => s.nonce),
      shares.map((s) => s.address),
      shares.map((s) => s.worker),
      shares.map((s) => s.mode),
      shares.map((s) => s.difficulty),
      shares.map((s) => s.timestamp),
      shares.map((s) => s.run),
    ],
  );
  return Number(rows[0]?.n ?? 0);
}

// Rows fetched per round trip while walking back through shares.
const PAGE_SIZE = 5_000;

export interface WindowShare {
  address: string;
  worker: string;
  difficulty: number;
}

/** Calls `take` with PPLNS shares accepted at or before `until` (a timestamptz), newest first, until it returns false. */
export async function scanPplnsSharesNewestFirst(
  q: Queryable,
  until: string,
  take: (share: WindowShare) => boolean,
): Promise<void> {
  // Keyset paging on (accepted_at, run, job_id, nonce); accepted_at travels as text so microseconds survive.
  // The text copies get their own names: ORDER BY would otherwise sort by the text alias, not the column.
  let cursor: { at: string; run: string; jobId: string; nonce: string } | null = null;
  for (;;) {
    const page: Array<WindowShare & { at: string; run: string; job_id: string; nonce_text: string }> = cursor
      ? await q.query(
          `SELECT address, worker, difficulty, accepted_at::text AS at, run, job_id, nonce::text AS nonce_text FROM shares
           WHERE mode = 'pplns' AND (accepted_at, run, job_id, nonce) < ($1::timestamptz, $2::text, $3::text, $4::numeric)
           ORDER BY accepted_at DESC, run DESC, job_id DESC, nonce DESC LIMIT $5`,
          [cursor.at, cursor.run, cursor.jobId, cursor.nonce, PAGE_SIZE],
        )
      : await q.query(
          `SELECT address, worker, difficulty, accepted_at::text AS at, run, job_id, nonce::text AS nonce_text FROM shares
           WHERE mode = 'pplns' AND accepted_at <= $1::timestamptz
           ORDER BY accepted_at DESC, run DESC, job_id DESC, nonce DESC LIMIT $2`,
          [until, PAGE_SIZE],
        );
    for (const row of page) {
      if (!take({ address: row.address, worker: row.worker, difficulty: Number(row.difficulty) })) return;
    }
    if (page.length < PAGE_SIZE) return;
    const last = page[page.length - 1];
    cursor = { at: last.at, run: last.run, jobId: last.job_id, nonce: last.nonce_text };
  }
}
