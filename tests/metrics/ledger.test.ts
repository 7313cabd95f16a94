// The figures /metrics reads from the database, on both backends: blocks by mode and status, what is owed, what
// was paid, and payouts settled (a counter: it only grows as payouts settle) or on their way (a gauge).

import { afterAll, describe, expect, test } from "bun:test";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { insertBlock } from "../../src/db/blocks.ts";
import { openDatabase } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { PoolMetrics } from "../../src/metrics/index.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("metricsledger");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

/** Every sample of a metric, keyed by its label set as printed. */
function samples(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = line.match(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`));
    if (m) out[m[1] ?? ""] = Number(m[2]);
  }
  return out;
}

for (const backend of backends) {
  describe(backend.name, () => {
    test("blocks, owed, paid and payouts equal the database's, and settling a payout moves only forward", async () => {
      const db = await openDatabase(backend);
      try {
        const statuses = ["confirming", "confirming", "matured", "credited", "orphaned", "rejected"];
        for (const [i, status] of statuses.entries()) {
          const hash = String(i + 1).repeat(64);
          await insertBlock(db, { hash, address: DEVNET_POOL_ADDRESS, worker: "w", mode: i === 5 ? "solo" : "pplns", daaScore: BigInt(i),
            networkDifficulty: 1, accepted: status !== "rejected", rejectReason: status === "rejected" ? "bad" : null, foundAt: Date.now() });
          await db.query("UPDATE blocks SET status = $1 WHERE hash = $2", [status, hash]);
        }
        await applyLedger(db, [
          { wallet: DEVNET_POOL_ADDRESS, minerId: "a", amount: 7_000_000_000n, reason: "adjustment", blockHash: null, paymentId: null, note: null },
          { wallet: DEVNET_POOL_ADDRESS, minerId: "b", amount: 123n, reason: "adjustment", blockHash: null, paymentId: null, note: null },
        ]);
        const pay = (amount: number, status: string) =>
          db.query<{ id: string }>("INSERT INTO payments (wallet, amount, status) VALUES ($1, $2, $3) RETURNING id::text AS id", [DEVNET_POOL_ADDRESS, amount, status]);
        await pay(1_000, "confirmed");
        await pay(2_000, "confirmed");
        await pay(4_000, "failed");
        const [sent] = await pay(8_000, "broadcast");
        await pay(16_000, "intent");

        const metrics = new PoolMetrics(configSchema.parse(defaults));
        metrics.attach({ db });
        const scrape = async () => (await metrics.response()).text();
        let text = await scrape();

        const blocks = samples(text, "kaspool_blocks");
        for (const b of await db.query<{ mode: string; status: string; n: string }>("SELECT mode, status, count(*)::text AS n FROM blocks GROUP BY mode, status")) {
          expect(blocks[`{mode="${b.mode}",status="${b.status}"}`]).toBe(Number(b.n));
        }
        expect(Object.values(blocks).reduce((a, n) => a + n, 0)).toBe(statuses.length);
        const [owed] = await db.query<{ s: string }>("SELECT sum(balance)::text AS s FROM miners_balance");
        expect(samples(text, "kaspool_balances_owed_sompi")).toEqual({ "": Number(owed!.s) });
        expect(samples(text, "kaspool_paid_sompi_total")).toEqual({ "": 3_000 });
        expect(text).toContain("# TYPE kaspool_payments_total counter");
        expect(samples(text, "kaspool_payments_total")).toEqual({ '{status="confirmed"}': 2, '{status="failed"}': 1 });
        expect(samples(text, "kaspool_payments_pending")).toEqual({ '{status="intent"}': 1, '{status="broadcast"}': 1 });

        await db.query("UPDATE payments SET status = 'confirmed' WHERE id = $1", [sent!.id]);
        // Scrapes within a second share one read.
        await Bun.sleep(1_100);
        text = await scrape();
        expect(samples(text, "kaspool_paid_sompi_total")).toEqual({ "": 11_000 });
        expect(samples(text, "kaspool_payments_total")).toEqual({ '{status="confirmed"}': 3, '{status="failed"}': 1 });
        expect(samples(text, "kaspool_payments_pending")).toEqual({ '{status="intent"}': 1, '{status="broadcast"}': 0 });
      } finally {
        await db.close();
      }
    }, 60_000);
  });
}
