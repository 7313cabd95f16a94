// Share history upkeep: refused-share counts, minutes rolled up into hours, old hours dropped, and raw shares
// deleted once no PPLNS window can still need them. Accepted work is added by insertShares (shares.ts).

import type { RejectCount } from "../shares/rejectTally.ts";
import type { RejectReason } from "../stratum/errors.ts";
import type { Queryable } from "./database.ts";

/** share_history column of each reason: a closed set, so the names below are never built from input. */
export const REJECT_COLUMNS: Record<RejectReason, string> = {
  "job-not-found": "rejected_job_not_found",
  duplicate: "rejected_duplicate",
  "low-difficulty": "rejected_low_difficulty",
  malformed: "rejected_malformed",
  unauthorized: "rejected_unauthorized",
};
const REASONS = Object.keys(REJECT_COLUMNS) as RejectReason[];
const COLUMNS = REASONS.map((r) => REJECT_COLUMNS[r]);
/** SQL for a share_history row's refused shares, every reason: a reason added above is counted here too. */
export const REJECTED_SUM = COLUMNS.join(" + ");

/** Adds refused-share counts to their minutes, in one statement. */
export async function addRejects(q: Queryable, counts: readonly RejectCount[]): Promise<void> {
  if (counts.length === 0) return;
  const perReason = COLUMNS.map((_, i) => counts.map((c) => (c.reason === REASONS[i] ? c.count : 0)));
  await q.query(
    `INSERT INTO share_history (address, worker, mode, span, slot, ${COLUMNS.join(", ")})
     SELECT a, w, m, 60, to_timestamp(t / 1000.0), ${COLUMNS.map((c) => `sum(${c})`).join(", ")}
     FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], ${COLUMNS.map((_, i) => `$${i + 5}::int[]`).join(", ")})
       AS u(a, w, m, t, ${COLUMNS.join(", ")})
     GROUP BY a, w, m, t ORDER BY a, w, m, t
     ON CONFLICT (address, worker, mode, span, slot) DO UPDATE SET
       ${COLUMNS.map((c) => `${c} = share_history.${c} + EXCLUDED.${c}`).join(", ")}`,
    [counts.map((c) => c.address), counts.map((c) => c.worker), counts.map((c) => c.mode), counts.map((c) => c.minute), ...perReason],
  );
}

const SUMMED = ["work", "accepted", ...COLUMNS];

/**
 * Folds minutes that started before `beforeMs` into their hours, in one statement (a crash leaves either the
 * minutes or the hours). `beforeMs` is rounded down to an hour so an hour is folded whole.
 */
export async function rollUpMinutes(q: Queryable, beforeMs: number): Promise<number> {
  const cut = Math.floor(beforeMs / 3_600_000) * 3_600_000;
  const rows = await q.query<{ n: string }>(
    `WITH moved AS (DELETE FROM share_history WHERE span = 60 AND slot < to_timestamp($1 / 1000.0) RETURNING *),
     hours AS (
       INSERT INTO share_history (address, worker, mode, span, slot, ${SUMMED.join(", ")}, last_share_at)
       SELECT address, worker, mode, 3600, date_trunc('hour', slot), ${SUMMED.map((c) => `sum(${c})`).join(", ")}, max(last_share_at)
       FROM moved GROUP BY 1, 2, 3, 5 ORDER BY 1, 2, 3, 5
       ON CONFLICT (address, worker, mode, span, slot) DO UPDATE SET
         ${SUMMED.map((c) => `${c} = share_history.${c} + EXCLUDED.${c}`).join(", ")},
         last_share_at = greatest(share_history.last_share_at, EXCLUDED.last_share_at)
       RETURNING 1)
     SELECT count(*)::text AS n FROM moved`,
    [cut],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Drops hours that started before `beforeMs`. */
export async function dropHours(q: Queryable, beforeMs: number): Promise<number> {
  const rows = await q.query<{ n: string }>(
    `WITH gone AS (DELETE FROM share_history WHERE span = 3600 AND slot < to_timestamp($1 / 1000.0) RETURNING 1)
     SELECT count(*)::text AS n FROM gone`,
    [beforeMs],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The time (unix ms) before which no PPLNS window can reach: walking back through PPLNS minutes from the oldest
 * block whose window is not cut (or from now), the minute where the work reaches `windowWork`. Null when the
 * history does not hold that much work yet: then every share may still be needed.
 */
export async function pplnsHorizon(q: Queryable, windowWork: number, nowMs: number): Promise<number | null> {
  const [start] = await q.query<{ ms: string | null }>(
    `SELECT (extract(epoch FROM min(found_at)) * 1000)::float8::text AS ms FROM blocks
     WHERE window_cut_at IS NULL AND mode = 'pplns' AND status <> 'rejected'`,
  );
  const from = start?.ms ? Math.min(Number(start.ms), nowMs) : nowMs;
  // A window is usually minutes of pool work: look back over growing spans rather than sum all history each time.
  for (const back of [600_000, 3_600_000, 21_600_000, 172_800_000, null]) {
    const [row] = await q.query<{ ms: string }>(
      `SELECT (extract(epoch FROM slot) * 1000)::float8::text AS ms FROM (
         SELECT slot, sum(sum(work)) OVER (ORDER BY slot DESC) AS reached FROM share_history
         WHERE mode = 'pplns' AND slot <= to_timestamp($1 / 1000.0) AND ($3::float8 IS NULL OR slot >= to_timestamp($3 / 1000.0))
         GROUP BY slot) s
       WHERE reached >= $2 ORDER BY slot DESC LIMIT 1`,
      [from, windowWork, back === null ? null : from - back],
    );
    if (row) return Number(row.ms);
  }
  return null;
}

/** Deletes up to `limit` raw shares of `mode` accepted before `beforeMs`; returns how many. */
export async function deleteSharesBefore(q: Queryable, mode: "pplns" | "solo", beforeMs: number, limit: number): Promise<number> {
  const rows = await q.query<{ n: string }>(
    `WITH gone AS (
       DELETE FROM shares WHERE (run, job_id, nonce) IN (
         SELECT run, job_id, nonce FROM shares WHERE mode = $1 AND accepted_at < to_timestamp($2 / 1000.0) LIMIT $3)
       RETURNING 1)
     SELECT count(*)::text AS n FROM gone`,
    [mode, beforeMs, limit],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Sums finished minutes of share_history into pool_history, from `fromMs` up to (not including) `toMs`. Minutes are
 * recomputed whole, so running it again over the same minutes (late commits, a replayed spool) corrects them.
 */
export async function aggregatePoolMinutes(q: Queryable, fromMs: number, toMs: number): Promise<void> {
  await q.query(
    `INSERT INTO pool_history (slot, mode, work, accepted, rejected, miners, workers)
     SELECT slot, mode, sum(work), sum(accepted),
       sum(${REJECTED_SUM}),
       count(DISTINCT address), count(*)
     FROM share_history WHERE span = 60 AND slot >= to_timestamp($1 / 1000.0) AND slot < to_timestamp($2 / 1000.0)
     GROUP BY slot, mode ORDER BY slot, mode
     ON CONFLICT (slot, mode) DO UPDATE SET work = EXCLUDED.work, accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected,
       miners = EXCLUDED.miners, workers = EXCLUDED.workers`,
    [Math.floor(fromMs / 60_000) * 60_000, Math.floor(toMs / 60_000) * 60_000]);
}

export async function dropPoolMinutes(q: Queryable, beforeMs: number): Promise<void> {
  await q.query("DELETE FROM pool_history WHERE slot < to_timestamp($1 / 1000.0)", [beforeMs]);
}
