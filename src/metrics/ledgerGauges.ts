// Figures the database already holds: blocks by status, what the pool owes and has paid, the payouts' states.
// Read at scrape time, once per scrape for all of them, so nothing on the share path keeps a second count.
// The wallet's own figures come from the payer process (treasury.ts).

import { Counter, Gauge, type Registry } from "prom-client";
import { BLOCK_STATUSES } from "../db/blocks.ts";
import type { Queryable } from "../db/database.ts";

export type MetricsDatabase = Queryable;

interface Ledger {
  blocks: Array<{ mode: string; status: string; n: string }>;
  owed: string;
  paid: string;
  payments: Array<{ status: string; n: string }>;
}

/** A payout output ends confirmed or failed (its debit refunded): counts of these only grow. */
const PAYMENT_OUTCOMES = ["confirmed", "failed"];
/** On its way: written (intent) or sent (broadcast), not yet settled. */
const PAYMENT_PENDING = ["intent", "broadcast"];
/** Scrapes this close together share one read. */
const READ_TTL_MS = 1_000;

async function readLedger(db: MetricsDatabase): Promise<Ledger> {
  const blocks = await db.query<{ mode: string; status: string; n: string }>(
    "SELECT mode, status, count(*)::text AS n FROM blocks GROUP BY mode, status");
  const [sums] = await db.query<{ owed: string; paid: string }>(
    `SELECT (SELECT coalesce(sum(balance), 0)::text FROM miners_balance) AS owed,
            (SELECT coalesce(sum(amount), 0)::text FROM payments WHERE status = 'confirmed') AS paid`);
  const payments = await db.query<{ status: string; n: string }>("SELECT status, count(*)::text AS n FROM payments GROUP BY status");
  return { blocks, owed: sums!.owed, paid: sums!.paid, payments };
}

/** Sompi as a float: exact up to 2^53 sompi (90 million KAS), which is all a metric needs. */
const sompi = (s: string) => Number(s);

export function addDatabaseGauges(
  registry: Registry,
  sources: () => { db?: MetricsDatabase },
): void {
  let cached: { at: number; read: Promise<Ledger | null> } | null = null;
  const ledger = (): Promise<Ledger | null> => {
    const db = sources().db;
    if (!db) return Promise.resolve(null);
    const now = Date.now();
    if (!cached || now - cached.at > READ_TTL_MS) cached = { at: now, read: readLedger(db).catch(() => null) };
    return cached.read;
  };
  const registers = [registry];

  new Gauge({
    name: "kaspool_blocks", help: "Found blocks in the database, by mode and status.", labelNames: ["mode", "status"], registers,
    async collect() {
      const l = await ledger();
      if (!l) return;
      for (const mode of ["pplns", "solo"]) for (const status of BLOCK_STATUSES) this.set({ mode, status }, 0);
      for (const b of l.blocks) this.set({ mode: b.mode, status: b.status }, Number(b.n));
    },
  });
  new Gauge({
    name: "kaspool_balances_owed_sompi", help: "Sum of all miners' unpaid balances.", registers,
    async collect() {
      const l = await ledger();
      if (l) this.set(sompi(l.owed));
    },
  });
  new Counter({
    name: "kaspool_paid_sompi_total", help: "Sompi paid out in confirmed payout transactions.", registers,
    async collect() {
      const l = await ledger();
      if (!l) return;
      this.reset();
      this.inc(sompi(l.paid));
    },
  });
  new Counter({
    name: "kaspool_payments_total", help: "Payout outputs settled, by outcome (confirmed, failed and refunded).", labelNames: ["status"], registers,
    async collect() {
      const l = await ledger();
      if (!l) return;
      this.reset();
      for (const status of PAYMENT_OUTCOMES) this.inc({ status }, Number(l.payments.find((p) => p.status === status)?.n ?? 0));
    },
  });
  new Gauge({
    name: "kaspool_payments_pending", help: "Payout outputs not yet settled, by status (intent, broadcast).", labelNames: ["status"], registers,
    async collect() {
      const l = await ledger();
      if (!l) return;
      for (const status of PAYMENT_PENDING) this.set({ status }, Number(l.payments.find((p) => p.status === status)?.n ?? 0));
    },
  });
}
