// The payer against the devnet over WebSocket, on both databases: matured balances over their threshold are paid
// on chain to the sompi, one under it waits, the ledger and balances agree, the treasury reconciles, and it stops
// reconciling when coins leave the wallet behind the payer's back. A second payer waits for the lock.

import { afterAll, describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import type { Database } from "../../src/db/database.ts";
import { acquirePayerLock } from "../../src/db/payerLock.ts";
import { maturityMargin } from "../../src/payouts/payer.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import type { Reconciliation } from "../../src/treasury/holdings.ts";
import { reconcileTreasury } from "../../src/treasury/position.ts";
import { TreasuryWatcher } from "../../src/treasury/watcher.ts";
import { testBackends } from "../db/backends.ts";
import { until } from "../node/scriptedNode.ts";
import { address, KAS, TREASURY } from "../treasury/fixtures.ts";
import { startPayerRig } from "./fixture.ts";

const backends = await testBackends("payer");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const MATURITY = 5;
const A = address(2), B = address(3), C = address(4), STRANGER = address(5);

const sompi = async (db: Database, sql: string, params: unknown[] = []) =>
  BigInt((await db.query<{ v: string }>(sql, params))[0]?.v ?? "0");

for (const backend of backends) {
  describe(backend.name, () => {
    test("wallets over the threshold are paid on chain exactly their balance; the ledger, balances and treasury agree", async () => {
      const rig = await startPayerRig({ backend, bps: 20, maturity: MATURITY });
      const { node, db } = rig;
      try {
        await rig.credit(
          { wallet: A, minerId: "rig1", amount: 2n * KAS },
          { wallet: A, minerId: "rig2", amount: 3n * KAS / 2n },
          { wallet: B, amount: 12n * KAS },
          { wallet: C, amount: KAS / 2n },
          { wallet: TREASURY, minerId: POOL_ACCOUNT, amount: KAS },
        );
        // The wallet holds exactly what the ledger owes, as coinbase outputs.
        rig.fund(4n * KAS, 12n * KAS, KAS);
        await rig.mature();

        const heard: Reconciliation[] = [];
        expect(await rig.startPayer({ onReconciled: (r) => heard.push(r) })).not.toBeNull();
        if (backend.url) {
          // A second payer on the same database waits instead of paying the same balances.
          const started = Date.now();
          const second = await acquirePayerLock(backend.url, silentLogger, () => Date.now() - started > 300, 50);
          expect(second).toBeNull();
        }
        await rig.cycleUntil(async () =>
          (await sompi(db, "SELECT count(*)::text AS v FROM payments WHERE status = 'confirmed'")) === 2n, "payouts accepted");
        await rig.stopPayer();
        // Every cycle handed its reconciliation on (metrics), and each one balanced.
        expect(heard.length).toBeGreaterThan(0);
        expect(heard.every((r) => r.deficit === 0n && r.surplus === 0n)).toBe(true);

        expect(await rig.chainBalance(A)).toBe(7n * KAS / 2n);
        expect(await rig.chainBalance(B)).toBe(12n * KAS);
        expect(await rig.chainBalance(C)).toBe(0n);
        const payments = await db.query<{ wallet: string; amount: string; txid: string }>("SELECT wallet, amount::text AS amount, txid FROM payments ORDER BY payments.amount");
        expect(payments.map((p) => [p.wallet, BigInt(p.amount)])).toEqual([[A, 7n * KAS / 2n], [B, 12n * KAS]]);
        expect(payments.every((p) => /^[0-9a-f]{64}$/.test(p.txid))).toBe(true);

        // Balances equal the ledger, per account; paid wallets are at zero, the small one still waits.
        const mismatches = await db.query(
          `SELECT b.id FROM miners_balance b LEFT JOIN (SELECT wallet, miner_id, sum(amount) AS s FROM ledger GROUP BY wallet, miner_id) l
             ON l.wallet = b.wallet AND l.miner_id = b.miner_id WHERE b.balance <> coalesce(l.s, 0)`);
        expect(mismatches).toEqual([]);
        expect(await sompi(db, "SELECT sum(balance)::text AS v FROM miners_balance WHERE wallet = ANY($1::text[])", [[A, B]])).toBe(0n);
        expect(await sompi(db, "SELECT balance::text AS v FROM miners_balance WHERE wallet = $1", [C])).toBe(KAS / 2n);
        const fee = await sompi(db, "SELECT sum(fee)::text AS v FROM payment_attempts");
        expect(fee).toBeGreaterThan(0n);
        expect(await sompi(db, "SELECT balance::text AS v FROM miners_balance WHERE miner_id = $1", [POOL_ACCOUNT])).toBe(KAS - fee);
        // Earned totals do not drop when paid.
        expect(await sompi(db, "SELECT total::text AS v FROM wallet_total WHERE address = $1", [B])).toBe(12n * KAS);

        const watcher = new TreasuryWatcher(node, TREASURY, silentLogger);
        const reconciled = async () => {
          await watcher.resync();
          return reconcileTreasury(db, watcher, BigInt(MATURITY), maturityMargin(BigInt(MATURITY)));
        };
        const r = await reconciled();
        expect({ deficit: r.deficit, surplus: r.surplus }).toEqual({ deficit: 0n, surplus: 0n });
        expect(r.spendable).toBe(KAS / 2n + KAS - fee);

        // Coins leave behind the payer's back (the key spends the pool's outputs elsewhere): the pool now owes more than
        // it holds. The theft's own change comes back as an output of a transaction that is not ours: external.
        const [theft] = rig.signer.plan([{ address: STRANGER, amount: KAS / 2n }], watcher.snapshot(), 1);
        await node.submitTransaction(JSON.parse(theft!.transaction));
        await until(async () => (await rig.chainBalance(STRANGER)) === KAS / 2n, 20_000, "theft accepted");
        const after = await reconciled();
        const stolenInputs = theft!.inputs.reduce((sum, i) => sum + i.amount, 0n);
        expect(after.deficit).toBe(stolenInputs);
        expect(after.external).toBe(stolenInputs - KAS / 2n - theft!.fee);
      } finally {
        await rig.stop();
      }
    }, 60_000);
  });
}
