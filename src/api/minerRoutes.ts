// /api/v1/miners/:address: one miner's balance, hashrate, workers, payments, ledger, earnings, blocks, refusals.

import type { Hono } from "hono";
import { blockCredits, blocksPage, historyCounts, paidTotal, paymentsPage, recentMeanReward, workerWork } from "../db/apiQueries.ts";
import { dailyEarnings, ledgerPage, minerBalance, minerWorkers, type WorkerRow } from "../db/minerQueries.ts";
import type { ApiContext } from "./app.ts";
import { amount, amountOf, hashrate, iso, windowStart } from "./format.ts";
import { refreshing } from "./cache.ts";
import { BLOCKS_PER_SECOND } from "./network.ts";
import { address, badParam, before, BLOCK_CURSOR, ID_CURSOR, limit, series } from "./params.ts";
import { blockCursor, blockItem, page, paymentItem } from "./poolRoutes.ts";
import { countSeries, workerRates } from "./series.ts";

/** A worker with a share in the last 10 minutes is online; in the last hour, idle; otherwise offline. */
function workerStatus(lastMs: number | null, now: number): "online" | "idle" | "offline" {
  if (lastMs === null) return "offline";
  const age = now - lastMs;
  return age <= 600_000 ? "online" : age <= 3_600_000 ? "idle" : "offline";
}

export function minerRoutes(app: Hono, ctx: ApiContext): void {
  const { db, config } = ctx;
  const meanReward = refreshing(60_000, () => recentMeanReward(db), ctx.now);
  const addr = (raw: string) => address(raw, config.network);
  /** Seconds covered by a window ending now that reaches back `ms`. */
  const covered = (now: number, ms: number) => (now - windowStart(now, ms)) / 1000;

  const workers = async (a: string, now: number) => {
    const [rows, net] = await Promise.all([minerWorkers(db, a, now), ctx.network()]);
    const live = new Map((ctx.stats?.().workers ?? []).filter((w) => w.address === a).map((w) => [w.worker, w]));
    const cap = net?.hashrate ?? null;
    return {
      net,
      items: rows.map((w: WorkerRow) => ({
        worker: w.worker, mode: w.mode, status: workerStatus(w.last_ms === null ? null : Number(w.last_ms), now),
        last_share_at: iso(w.last_ms),
        hashrate: {
          "10m": hashrate(Number(w.work_10m), covered(now, 600_000), cap),
          "1h": hashrate(Number(w.work_1h), covered(now, 3_600_000), cap),
          "24h": hashrate(Number(w.work_24h), covered(now, 86_400_000), cap),
        },
        accepted_24h: Number(w.accepted_24h), rejected_24h: Number(w.rejected_24h),
        difficulty: live.get(w.worker)?.difficulty ?? null, connections: live.get(w.worker)?.connections ?? 0,
      })),
    };
  };

  app.get("/api/v1/miners/:address", async (c) => {
    const a = addr(c.req.param("address"));
    const now = ctx.now();
    const [{ items, net }, bal, paid, payments, reward] = await Promise.all([
      workers(a, now), minerBalance(db, a), paidTotal(db, a), paymentsPage(db, { wallet: a, before: null, limit: 1 }), meanReward(""),
    ]);
    const sum = (k: "10m" | "1h" | "24h") => Math.min(items.reduce((s, w) => s + w.hashrate[k], 0), net?.hashrate ?? Infinity);
    const h24 = sum("24h");
    const fee = 10_000n - BigInt(Math.round(config.treasury.fee * 100));
    // Share of the network × blocks a day × a block's mean reward, less the fee: what PPLNS would pay at this rate.
    const daily = net && reward !== null && net.hashrate > 0
      ? amount((BigInt(Math.round((h24 / net.hashrate) * 86_400 * BLOCKS_PER_SECOND * 1e6)) * reward * fee) / 10_000n / 1_000_000n)
      : null;
    const count = (s: string) => items.filter((w) => w.status === s).length;
    const lastShare = items.reduce<string | null>((m, w) => (w.last_share_at && (!m || w.last_share_at > m) ? w.last_share_at : m), null);
    return c.json({
      address: a, balance: amountOf(bal.balance), earned: amountOf(bal.earned), paid: amountOf(paid),
      hashrate: { "10m": sum("10m"), "1h": sum("1h"), "24h": h24 },
      workers: { online: count("online"), idle: count("idle"), offline: count("offline") },
      last_share_at: lastShare, last_payment: payments[0] ? paymentItem(payments[0]) : null,
      estimated_daily_earnings: daily,
    });
  });

  app.get("/api/v1/miners/:address/workers", async (c) => {
    const { items } = await workers(addr(c.req.param("address")), ctx.now());
    return c.json({ items });
  });

  app.get("/api/v1/miners/:address/hashrate", async (c) => {
    const a = addr(c.req.param("address"));
    const now = ctx.now();
    const r = series(c.req.query(), now);
    const [rows, net] = await Promise.all([workerWork(db, { from: r.from, to: r.to, address: a, bucketSeconds: r.bucketSeconds }), ctx.network()]);
    const perWorker = workerRates(rows, r, net?.hashrate ?? null, now);
    const names = [...perWorker.keys()].sort();
    const lines = names.map((n) => perWorker.get(n)!);
    const step = r.bucketSeconds * 1000;
    const items = Array.from({ length: (r.to - r.from) / step }, (_, i) => {
      const byWorker: Record<string, number> = {};
      names.forEach((n, k) => (byWorker[n] = lines[k]![i]!));
      return { time: iso(r.from + i * step), hashrate: Math.min(Object.values(byWorker).reduce((s, h) => s + h, 0), net?.hashrate ?? Infinity), workers: byWorker };
    });
    return c.json({ bucket: r.bucket, from: iso(r.from), to: iso(r.to), workers: names, items });
  });

  app.get("/api/v1/miners/:address/payments", async (c) => {
    const a = addr(c.req.param("address"));
    const n = limit(c.req.query("limit"));
    const rows = await paymentsPage(db, { wallet: a, before: before(c.req.query("before"), ID_CURSOR), limit: n });
    return c.json(page(rows, n, paymentItem, (p) => p.id));
  });

  app.get("/api/v1/miners/:address/ledger", async (c) => {
    const a = addr(c.req.param("address"));
    const n = limit(c.req.query("limit"));
    const rows = await ledgerPage(db, { wallet: a, before: before(c.req.query("before"), ID_CURSOR), limit: n });
    return c.json(page(rows, n, (l) => ({
      id: l.id, worker: l.miner_id, amount: amountOf(l.amount), reason: l.reason, block_hash: l.block_hash,
      payment_id: l.payment_id, note: l.note, created_at: iso(l.created_ms),
    }), (l) => l.id));
  });

  app.get("/api/v1/miners/:address/earnings/daily", async (c) => {
    const a = addr(c.req.param("address"));
    const raw = c.req.query("days") ?? "30";
    if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 90) throw badParam("days", "must be an integer from 1 to 90");
    const days = Number(raw);
    const today = Math.floor(ctx.now() / 86_400_000) * 86_400_000;
    const from = today - (days - 1) * 86_400_000;
    const got = new Map((await dailyEarnings(db, a, from)).map((r) => [r.day, r.amount]));
    const items = Array.from({ length: days }, (_, i) => {
      const day = new Date(from + i * 86_400_000).toISOString().slice(0, 10);
      return { date: day, amount: amountOf(got.get(day) ?? "0") };
    });
    return c.json({ items });
  });

  app.get("/api/v1/miners/:address/blocks", async (c) => {
    const a = addr(c.req.param("address"));
    const n = limit(c.req.query("limit"));
    const rows = await blocksPage(db, { status: null, before: before(c.req.query("before"), BLOCK_CURSOR), limit: n, address: a });
    const credits = await blockCredits(db, rows.slice(0, n).map((b) => b.hash), a);
    const p = page(rows, n, blockItem, blockCursor);
    return c.json({ ...p, items: p.items.map((b) => ({ ...b, found_by_you: b.finder.address === a, credited: amountOf(credits.get(b.hash)!) })) });
  });

  app.get("/api/v1/miners/:address/rejects", async (c) => {
    const a = addr(c.req.param("address"));
    const r = series(c.req.query(), ctx.now());
    const rows = await historyCounts(db, { from: r.from, to: r.to, address: a, bucketSeconds: r.bucketSeconds });
    return c.json({ bucket: r.bucket, from: iso(r.from), to: iso(r.to), items: countSeries(rows, r) });
  });
}
