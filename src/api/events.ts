// /api/v1/events: server-sent events block_found, block_status, payment and stats. One poller reads the database
// for every subscriber (and only while there are subscribers), so clients never multiply database load.

import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import type { StratumStats } from "../stratum/stats.ts";
import type { ApiContext } from "./app.ts";
import { amountOf, iso } from "./format.ts";
import type { NetworkFigures } from "./network.ts";
import { ApiError } from "./params.ts";
import { poolHashrate } from "./poolRoutes.ts";

export interface ApiEvent {
  event: "block_found" | "block_status" | "payment" | "stats";
  data: unknown;
}

const POLL_MS = 2_000;
const STATS_EVERY = 5;
const MAX_SUBSCRIBERS = 1_000;

export class EventHub {
  private readonly subscribers = new Set<(e: ApiEvent) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;
  private ticks = 0;
  private since: { blocks: string; payments: string } | null = null;
  private readonly statuses = new Map<string, string>();

  constructor(private readonly o: { db: Database; stats?: () => StratumStats; network(): Promise<NetworkFigures | null>; log: Logger; now(): number }) {}

  subscribe(fn: (e: ApiEvent) => void): () => void {
    if (this.subscribers.size >= MAX_SUBSCRIBERS) throw new ApiError(429, "too_many_subscribers", "too many event subscribers, retry later");
    this.subscribers.add(fn);
    this.timer ??= setInterval(() => void this.poll(), POLL_MS);
    return () => {
      this.subscribers.delete(fn);
      if (this.subscribers.size === 0) this.close();
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.since = null;
    this.statuses.clear();
  }

  private emit(e: ApiEvent): void {
    for (const fn of this.subscribers) fn(e);
  }

  /** Changes since the last poll; the first poll only takes its bearings. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const db = this.o.db;
      const [mark] = await db.query<{ b: string; p: string }>(
        "SELECT coalesce((SELECT max(updated_at) FROM blocks), 'epoch')::text AS b, coalesce((SELECT max(updated_at) FROM payments), 'epoch')::text AS p");
      if (this.since) {
        const blocks = await db.query<{ hash: string; status: string; mode: string; finder_address: string; found_ms: string; fresh: boolean }>(
          `SELECT hash, status, mode, finder_address, (extract(epoch FROM found_at) * 1000)::bigint::text AS found_ms,
             recorded_at > $1::timestamptz AS fresh FROM blocks WHERE updated_at > $1::timestamptz ORDER BY updated_at LIMIT 1000`,
          [this.since.blocks]);
        for (const b of blocks) {
          const data = { hash: b.hash, status: b.status, mode: b.mode, finder: b.finder_address, found_at: iso(b.found_ms) };
          if (b.fresh && !this.statuses.has(b.hash)) this.emit({ event: "block_found", data });
          else if (this.statuses.get(b.hash) !== b.status) this.emit({ event: "block_status", data });
          this.statuses.set(b.hash, b.status);
        }
        const payments = await db.query<{ id: string; wallet: string; amount: string; status: string; txid: string | null }>(
          `SELECT id::text AS id, wallet, amount::text AS amount, status, txid FROM payments WHERE updated_at > $1::timestamptz
           ORDER BY updated_at LIMIT 1000`, [this.since.payments]);
        for (const p of payments) this.emit({ event: "payment", data: { id: p.id, wallet: p.wallet, amount: amountOf(p.amount), status: p.status, txid: p.txid } });
        if (this.statuses.size > 10_000) this.statuses.clear();
      }
      this.since = { blocks: mark!.b, payments: mark!.p };
      if (this.ticks++ % STATS_EVERY === 0) {
        const s = this.o.stats?.();
        const net = await this.o.network();
        const now = this.o.now();
        // From the share history, as every API hashrate: the same figure /api/v1/pool shows.
        const rates = await poolHashrate(db, now, net?.hashrate ?? null);
        this.emit({ event: "stats", data: {
          time: iso(now), hashrate: rates.total, connected_workers: s ? s.workers.length : null, network_hashrate: net?.hashrate ?? null,
        } });
      }
    } catch (err) {
      this.o.log.warn("event poll failed", { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.polling = false;
    }
  }
}

export function eventRoutes(app: Hono, ctx: ApiContext): void {
  app.get("/api/v1/events", (c) => {
    const queue: ApiEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = ctx.events.subscribe((e) => {
      if (queue.length < 1000) queue.push(e);
      wake?.();
    });
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: "hello", data: JSON.stringify({ time: iso(ctx.now()) }) });
        while (open) {
          const e = queue.shift();
          if (e) await stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) });
          else await new Promise<void>((r) => (wake = r));
          wake = null;
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
