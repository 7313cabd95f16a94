// Payment batches in the database: debits, locks, acceptance and refunds, on both backends.

import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import {
  BalanceChangedError, insertAttempt, lockedOutpoints, markAccepted, pendingBatches, refundBatch, unpaidBalances, writeBatch,
} from "../../src/db/payments.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("payments");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const POOL = "kaspa:pool";
const credit = (db: Database, wallet: string, minerId: string, amount: bigint) =>
  applyLedger(db, [{ wallet, minerId, amount, reason: "adjustment", blockHash: null, paymentId: null, note: "test" }]);
// Each test uses wallets of its own: on Postgres the tests of one backend share a database.
const balances = async (db: Database, ...wallets: string[]) =>
  Object.fromEntries((await db.query<{ id: string; balance: string }>(
    "SELECT id, balance::text AS balance FROM miners_balance WHERE wallet = ANY($1::text[]) ORDER BY id", [wallets]))
    .map((r) => [r.id, BigInt(r.balance)]));
const unpaidOf = async (db: Database, wallet: string) => (await unpaidBalances(db)).filter((b) => b.wallet === wallet);
const attempt = (txid: string, fee = 3000n) => ({
  txid: txid.padEnd(64, "0"), transaction: `{"id":"${txid}"}`, fee, inputs: [{ outpoint: "cb:0", amount: 10_000_000n }, { outpoint: "cb:1", amount: 20_000_000n }],
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("a batch debits exactly what was planned, locks its inputs, and a later credit stays on the balance", async () => {
      const db = await openDatabase(backend);
      await credit(db, "kaspa:a", "rig1", 700n);
      await credit(db, "kaspa:a", "rig2", 300n);
      await credit(db, POOL, POOL_ACCOUNT, 50_000n);
      const [a] = await unpaidOf(db, "kaspa:a");
      expect(a).toEqual({ wallet: "kaspa:a", total: 1000n, threshold: null, workers: [{ minerId: "rig1", balance: 700n }, { minerId: "rig2", balance: 300n }] });
      // A credit lands between planning and writing.
      await credit(db, "kaspa:a", "rig1", 5n);
      const id = await writeBatch(db, { chainStart: "ab".repeat(32), poolWallet: POOL, attempt: attempt("t1"), items: [{ wallet: "kaspa:a", amount: 1000n, workers: a!.workers }] });
      expect(await balances(db, POOL, "kaspa:a")).toEqual({ [`${POOL_ACCOUNT}_${POOL}`]: 47_000n, "rig1_kaspa:a": 5n, "rig2_kaspa:a": 0n });
      expect([...(await lockedOutpoints(db))].sort()).toEqual(["cb:0", "cb:1"]);
      const [pending] = await pendingBatches(db);
      expect(pending!.id).toBe(id);
      expect(pending!.total).toBe(1000n);
      expect(pending!.attempts.map((x) => x.txid)).toEqual([attempt("t1").txid]);
      // Earned totals do not drop with payouts.
      const [total] = await db.query<{ total: string }>("SELECT total::text AS total FROM wallet_total WHERE address = 'kaspa:a'");
      expect(BigInt(total!.total)).toBe(1005n);

      await markAccepted(db, id, attempt("t1").txid, POOL);
      expect(await pendingBatches(db)).toEqual([]);
      expect((await lockedOutpoints(db)).size).toBe(0);
      const [p] = await db.query<{ status: string; txid: string }>("SELECT status, txid FROM payments WHERE batch_id = $1", [id]);
      expect(p).toEqual({ status: "confirmed", txid: attempt("t1").txid });
      await db.close();
    });

    test("a balance that shrank since planning aborts the whole batch", async () => {
      const db = await openDatabase(backend);
      await credit(db, "kaspa:b", "rig", 900n);
      const [b] = await unpaidOf(db, "kaspa:b");
      await credit(db, "kaspa:b", "rig", -100n);
      await expect(writeBatch(db, { chainStart: "ab".repeat(32), poolWallet: POOL, attempt: attempt("t2"), items: [{ wallet: "kaspa:b", amount: 900n, workers: b!.workers }] }))
        .rejects.toBeInstanceOf(BalanceChangedError);
      expect(await balances(db, "kaspa:b")).toEqual({ "rig_kaspa:b": 800n });
      expect((await pendingBatches(db)).length).toBe(0);
      await db.close();
    });

    test("a refund returns every debit once, fee included, and keeps both attempts' history", async () => {
      const db = await openDatabase(backend);
      await credit(db, "kaspa:c", "rig", 400n);
      await credit(db, POOL, POOL_ACCOUNT, 10_000n);
      const poolBefore = (await balances(db, POOL))[`${POOL_ACCOUNT}_${POOL}`]!;
      const [c] = await unpaidOf(db, "kaspa:c");
      const id = await writeBatch(db, { chainStart: "ab".repeat(32), poolWallet: POOL, attempt: attempt("t3"), items: [{ wallet: "kaspa:c", amount: 400n, workers: c!.workers }] });
      await insertAttempt(db, id, 1, attempt("t4", 6000n));
      expect((await pendingBatches(db))[0]!.attempts.map((x) => x.attempt)).toEqual([0, 1]);
      expect(await refundBatch(db, id)).toBe(true);
      expect(await refundBatch(db, id)).toBe(false);
      expect(await balances(db, POOL, "kaspa:c")).toEqual({ [`${POOL_ACCOUNT}_${POOL}`]: poolBefore, "rig_kaspa:c": 400n });
      const [p] = await db.query<{ status: string }>("SELECT status FROM payments WHERE batch_id = $1", [id]);
      expect(p!.status).toBe("failed");
      await db.close();
    });
  });
}
