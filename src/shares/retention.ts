// Keeps history small: minutes rolled into hours after history.minutesKeptHours, hours dropped after
// history.hoursKeptDays, raw shares deleted once no PPLNS window can reach them and history.sharesMarginMinutes
// has passed. Runs on a timer; a failed pass is logged and the next one tries again.

import { silentLogger, type Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import type { Database } from "../db/database.ts";
import { aggregatePoolMinutes, deleteSharesBefore, dropHours, dropPoolMinutes, pplnsHorizon, rollUpMinutes } from "../db/history.ts";

export interface RetentionOptions {
  db: Database;
  history: Config["history"];
  /**
   * Work (share units) the next PPLNS window will span: pplns.factor × the network difficulty. Rejects (node away)
   * skip deleting PPLNS shares for that pass.
   */
  windowWork(): Promise<number>;
  log?: Logger;
}

export interface PruneReport {
  minutesRolled: number;
  hoursDropped: number;
  sharesDeleted: number;
}

const AGGREGATE_MS = 30_000;
/** Raw shares deleted per statement, so a large backlog never holds one long lock. */
const DELETE_CHUNK = 20_000;

export async function pruneOnce(o: RetentionOptions, now = Date.now()): Promise<PruneReport> {
  const h = o.history;
  const minutesRolled = await rollUpMinutes(o.db, now - h.minutesKeptHours * 3_600_000);
  const hoursDropped = await dropHours(o.db, now - h.hoursKeptDays * 86_400_000);
  await dropPoolMinutes(o.db, now - h.hoursKeptDays * 86_400_000);
  const margin = h.sharesMarginMinutes * 60_000;
  let sharesDeleted = await deleteAll(o.db, "solo", now - margin);
  let work: number | null = null;
  try {
    work = await o.windowWork();
  } catch (err) {
    (o.log ?? silentLogger).warn("no network difficulty: PPLNS shares kept this pass", { error: String(err) });
  }
  if (work !== null && work > 0) {
    const horizon = await pplnsHorizon(o.db, work, now);
    // The horizon is a minute's start and that minute may hold shares after the window's end: one more minute back.
    if (horizon !== null) sharesDeleted += await deleteAll(o.db, "pplns", Math.min(horizon - 60_000, now) - margin);
  }
  return { minutesRolled, hoursDropped, sharesDeleted };
}

/** Minutes recomputed on every pass: shares committed a little after their minute ended are still counted. */
const REAGGREGATE_MS = 10 * 60_000;

/**
 * Sums finished minutes into pool_history: those since the last one summed (at most history.minutesKeptHours back,
 * the oldest minutes still held per worker), and always the last ten again.
 */
export async function aggregateOnce(o: Pick<RetentionOptions, "db" | "history">, now = Date.now()): Promise<void> {
  const [last] = await o.db.query<{ ms: string | null }>(
    "SELECT (extract(epoch FROM max(slot)) * 1000)::float8::text AS ms FROM pool_history");
  const oldest = now - o.history.minutesKeptHours * 3_600_000;
  const from = Math.min(now - REAGGREGATE_MS, Math.max(oldest, last?.ms ? Number(last.ms) + 60_000 : oldest));
  // An hour per statement: a first pass over two days of a large pool must not run into the statement timeout.
  for (let t = from; t < now; t += 3_600_000) await aggregatePoolMinutes(o.db, t, Math.min(t + 3_600_000, now));
}

async function deleteAll(db: Database, mode: "pplns" | "solo", beforeMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteSharesBefore(db, mode, beforeMs, DELETE_CHUNK);
    total += n;
    if (n < DELETE_CHUNK) return total;
  }
}

/** Sums pool minutes every 30 s and prunes every history.pruneIntervalSeconds until stopped; passes never overlap. */
export function startRetention(o: RetentionOptions): { stop(): Promise<void> } {
  const log = o.log ?? silentLogger;
  let stopped = false;
  let pass: Promise<void> | null = null;
  let lastPrune = Date.now();
  const run = async () => {
    await aggregateOnce(o);
    if (Date.now() - lastPrune < o.history.pruneIntervalSeconds * 1000) return;
    lastPrune = Date.now();
    const r = await pruneOnce(o);
    if (r.minutesRolled || r.hoursDropped || r.sharesDeleted) log.info("history pruned", { ...r });
  };
  const tick = () => {
    pass = run()
      .catch((err) => log.warn("history prune failed; next pass retries", { error: String(err) }))
      .finally(() => (pass = null));
  };
  const timer = setInterval(() => {
    if (!stopped && !pass) tick();
  }, AGGREGATE_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (pass) await pass;
    },
  };
}
