// /api/v1/pool: the pool's figures, hashrate series, blocks, payments and top miners.

import type { Hono } from "hono";
import {
  activeCounts, blockByHash, blockCounts, blocksPage, blockWindowSummary, paidTotal, paymentsPage, poolSlots,
  topMiners, workByMode, type BlockRow, type PaymentRow,
} from "../db/apiQueries.ts";
import { BLOCK_STATUSES } from "../db/blocks.ts";
import type { Queryable } from "../db/database.ts";
import { kasToSompi } from "../treasury/threshold.ts";
import type { ApiContext } from "./app.ts";
import { amount, amountOf, hashrate, iso, windowStart } from "./format.ts";
import { refreshing } from "./cache.ts";
import { BLOCKS_PER_SECOND } from "./network.ts";
import { ApiError, badParam, before, BLOCK_CURSOR, blockHash, ID_CURSOR, limit, series } from "./params.ts";
import { hashrateSeries } from "./series.ts";

const TEN_MINUTES = 600_000;

export const blockItem = (b: BlockRow) => ({
  hash: b.hash, status: b.status, color: b.color, confirmations: b.confirmations, daa_score: b.daa_score, mode: b.mode,
  finder: { address: b.finder_address, worker: b.finder_worker }, network_difficulty: Number(b.network_difficulty),
  reward: b.reward === null ? null : amountOf(b.reward), found_at: iso(b.found_ms), matured_at: iso(b.matured_ms),
  credited_at: iso(b.credited_ms),
});

export const paymentItem = (p: PaymentRow) => ({
  id: p.id, wallet: p.wallet, amount: amountOf(p.amount), status: p.status, txid: p.txid, created_at: iso(p.created_ms),
});

/** Keyset page: one row more than asked says whether there is a next page. */
export function page<R, T>(rows: R[], n: number, item: (r: R) => T, cursor: (r: R) => string) {
  const more = rows.length > n;
  const shown = rows.slice(0, n);
  return { items: shown.map(item), next_before: more ? cursor(shown[shown.length - 1]!) : null };
}

export const blockCursor = (b: BlockRow) => `${b.found_ms}_${b.hash}`;

/** The pool's hashrate over the last 10 minutes of history, by mode and in total, never above the network's. */
export async function poolHashrate(db: Queryable, now: number, networkHashrate: number | null) {
  // The window is divided by the time it covers, from the start of its first minute.
  const from = windowStart(now, TEN_MINUTES);
  const work = await workByMode(db, from);
  const seconds = (now - from) / 1000;
  const pplns = hashrate(work.pplns, seconds, networkHashrate);
  const solo = hashrate(work.solo, seconds, networkHashrate);
  return { total: Math.min(pplns + solo, networkHashrate ?? Infinity), pplns, solo };
}

/** Pool-wide counts scan every worker's last minutes: answered from a cache refreshed in the background. */
const CACHE_MS = 10_000;

export function poolRoutes(app: Hono, ctx: ApiContext): void {
  const { db, config } = ctx;
  const activeCached = refreshing(CACHE_MS, () => activeCounts(db, windowStart(ctx.now(), TEN_MINUTES)), ctx.now);
  const top = refreshing(CACHE_MS, (n) => topMiners(db, windowStart(ctx.now(), TEN_MINUTES), Number(n)), ctx.now);
  // The summary reads every block and payment total: one answer, refreshed in the background, serves everyone.
  const summary = refreshing(CACHE_MS, () => poolSummary(), ctx.now);
  app.get("/api/v1/pool", async (c) => c.json(await summary("")));
  const poolSummary = async () => {
    const now = ctx.now();
    const [net, active, blocks, paid, last] = await Promise.all([
      ctx.network(), activeCached(""), blockCounts(db), paidTotal(db, null), blocksPage(db, { status: null, before: null, limit: 1 }),
    ]);
    const netRate = net?.hashrate ?? null;
    const rates = await poolHashrate(db, now, netRate);
    const share = netRate ? Math.min(1, rates.total / netRate) : null;
    return {
      as_of: iso(now),
      hashrate: { ...rates, window_seconds: 600 },
      miners: active.miners, workers: active.workers,
      connected_workers: ctx.stats ? ctx.stats().workers.length : null,
      fee_percent: config.treasury.fee,
      payout: { scheme: "PPLNS", pplns_factor: config.pplns.factor, threshold: amount(kasToSompi(config.payments.thresholdKas)) },
      ports: config.stratum.ports.map((p) => ({ port: p.port, mode: p.mode, difficulty: p.difficulty, tls: p.tls !== undefined })),
      blocks: Object.fromEntries(BLOCK_STATUSES.map((s) => [s, blocks[s] ?? 0])),
      last_block: last[0] ? blockItem(last[0]) : null,
      paid: amountOf(paid),
      network: net && { hashrate: net.hashrate, difficulty: net.difficulty, daa_score: net.daaScore.toString() },
      pool_share: share,
      estimated_seconds_to_block: share ? 1 / (share * BLOCKS_PER_SECOND) : null,
    };
  };

  app.get("/api/v1/pool/hashrate", async (c) => {
    const now = ctx.now();
    const r = series(c.req.query(), now);
    const [rows, net] = await Promise.all([poolSlots(db, r.from, r.to), ctx.network()]);
    return c.json({ bucket: r.bucket, from: iso(r.from), to: iso(r.to), items: hashrateSeries(rows, r, net?.hashrate ?? null, now) });
  });

  app.get("/api/v1/pool/blocks", async (c) => {
    const status = c.req.query("status") ?? null;
    if (status !== null && !(BLOCK_STATUSES as readonly string[]).includes(status)) throw badParam("status", `must be one of ${BLOCK_STATUSES.join(", ")}`);
    const n = limit(c.req.query("limit"));
    const rows = await blocksPage(db, { status, before: before(c.req.query("before"), BLOCK_CURSOR), limit: n });
    return c.json(page(rows, n, blockItem, blockCursor));
  });

  app.get("/api/v1/pool/blocks/:hash", async (c) => {
    const hash = blockHash(c.req.param("hash"));
    const b = await blockByHash(db, hash);
    if (!b) throw new ApiError(404, "not_found", `no block ${hash}`);
    return c.json({ ...blockItem(b), window: b.mode === "pplns" ? await blockWindowSummary(db, hash) : null });
  });

  app.get("/api/v1/pool/payments", async (c) => {
    const n = limit(c.req.query("limit"));
    const rows = await paymentsPage(db, { before: before(c.req.query("before"), ID_CURSOR), limit: n });
    return c.json(page(rows, n, paymentItem, (p) => p.id));
  });

  app.get("/api/v1/pool/miners", async (c) => {
    const n = limit(c.req.query("limit"));
    const now = ctx.now();
    const seconds = (now - windowStart(now, TEN_MINUTES)) / 1000;
    const [rows, net] = await Promise.all([top(String(n)), ctx.network()]);
    return c.json({
      window_seconds: 600,
      items: rows.map((r) => ({ address: r.address, hashrate: hashrate(Number(r.work), seconds, net?.hashrate ?? null), workers: Number(r.workers) })),
    });
  });
}
