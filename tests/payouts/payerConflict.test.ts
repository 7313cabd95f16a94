// What the payer may spend, and what happens when someone else spends it first. Immature coinbase and outside
// deposits are never spent for payouts. A batch whose input was spent by another transaction is refused by the
// devnet, refunded to the balances once the conflict is as deep as coinbase maturity, and paid again from other
// coins: the wallet receives its balance exactly once.

import { expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { NodeClient } from "../../src/node/client.ts";
import { makeSigner } from "../../src/payouts/planner.ts";
import { startPayerService } from "../../src/payouts/service.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { TreasuryWatcher } from "../../src/treasury/watcher.ts";
import { until } from "../node/scriptedNode.ts";
import { createPgliteDatabase } from "../db/backends.ts";
import { address, KAS, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";


async function setup(maturity: number): Promise<{ devnet: Devnet; node: NodeClient; db: Database; close(): Promise<void> }> {
  const devnet = await startDevnet({ port: 0, bps: 10, maturity });
  const node = new NodeClient({ urls: [devnet.url], requestTimeoutMs: 5_000, log: silentLogger });
  node.start();
  await node.waitConnected(5_000);
  const db = await openDatabase(createPgliteDatabase());
  return { devnet, node, db, close: async () => { await db.close(); await node.close(); await devnet.stop(); } };
}

const config = (maturity: number) => ({
  treasury: { address: TREASURY, coinbaseMaturity: maturity, fee: 1 },
  payments: { intervalMinutes: 60, thresholdKas: 1, feeBumpMinutes: 10 },
  database: { url: null, embeddedPath: "memory://" },
});
const owe = (db: Database, wallet: string, amount: bigint) =>
  applyLedger(db, [{ wallet, minerId: "rig", amount, reason: "adjustment", blockHash: null, paymentId: null, note: "test" }]);
const chainBalance = async (node: NodeClient, a: string) => BigInt((await node.request("getBalanceByAddress", { address: a })).balance);

test("immature coinbase and outside deposits are never spent for payouts", async () => {
  const { devnet, node, db, close } = await setup(1_000);
  try {
    await owe(db, address(500), 4n * KAS);
    devnet.fund(TREASURY, 50n * KAS, { mature: false });
    devnet.fund(TREASURY, 50n * KAS, { mature: true });
    const c = config(1_000);
    const service = await startPayerService({ db, node, config: c, signer: makeSigner(bytesToHex(TREASURY_KEY), c), log: silentLogger, stopped: () => false });
    try {
      await service!.cycleNow();
      await service!.cycleNow();
    } finally {
      await service!.stop();
    }
    expect(await db.query("SELECT id FROM payment_batches")).toEqual([]);
    expect(await chainBalance(node, address(500))).toBe(0n);
  } finally {
    await close();
  }
}, 60_000);

test("a batch whose input another transaction spent is refused, refunded once, and the wallet is paid once", async () => {
  const { devnet, node, db, close } = await setup(2);
  try {
    const wallet = address(501);
    await owe(db, wallet, 4n * KAS);
    await applyLedger(db, [{ wallet: TREASURY, minerId: POOL_ACCOUNT, amount: KAS, reason: "adjustment", blockHash: null, paymentId: null, note: "test" }]);
    devnet.fund(TREASURY, 5n * KAS, { mature: false });
    const fundedAt = devnet.virtualDaaScore();
    await until(async () => devnet.virtualDaaScore() >= fundedAt + 2n, 20_000, "maturity");
    const c = config(2);
    const signer = makeSigner(bytesToHex(TREASURY_KEY), c);
    const watcher = new TreasuryWatcher(node, TREASURY, silentLogger);
    let refusal = "";
    let conflicted = false;
    const service = await startPayerService({
      db, node, config: c, signer, log: silentLogger, stopped: () => false,
      onStep: async (step) => {
        if (step !== "written" || conflicted) return;
        conflicted = true;
        // Before the batch goes out, the same coin is spent elsewhere (the key used by hand, say) and accepted.
        await watcher.resync();
        const [other] = signer.plan([{ address: address(502), amount: 2n * KAS }], watcher.snapshot(), 1);
        await node.submitTransaction(JSON.parse(other!.transaction));
        await until(async () => (await chainBalance(node, address(502))) === 2n * KAS, 20_000, "the other spend accepted");
        // The batch's own bytes are now a double spend the node refuses.
        const [mine] = await db.query<{ transaction: string }>("SELECT transaction FROM payment_attempts");
        refusal = await node.submitTransaction(JSON.parse(mine!.transaction)).then(() => "", (e: Error) => e.message);
      },
    });
    try {
      await until(async () => {
        await service!.cycleNow();
        return (await db.query("SELECT 1 FROM payment_batches WHERE status = 'refunded'")).length === 1;
      }, 20_000, "refunded");
      expect(await chainBalance(node, wallet)).toBe(0n);
      const [owed] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE wallet = $1", [wallet]);
      expect(BigInt(owed!.balance)).toBe(4n * KAS);
      // New coins arrive; the refunded balance is paid from them.
      devnet.fund(TREASURY, 5n * KAS, { mature: false });
      const again = devnet.virtualDaaScore();
      await until(async () => devnet.virtualDaaScore() >= again + 3n, 20_000, "maturity");
      await until(async () => {
        await service!.cycleNow();
        return (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1;
      }, 20_000, "paid");
    } finally {
      await service!.stop();
    }
    expect(refusal).toMatch(/Rejected transaction/);
    expect(await chainBalance(node, wallet)).toBe(4n * KAS);
    const statuses = await db.query<{ status: string }>("SELECT status FROM payments WHERE wallet = $1 ORDER BY id", [wallet]);
    expect(statuses.map((s) => s.status)).toEqual(["failed", "confirmed"]);
    const [owedAfter] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE wallet = $1", [wallet]);
    expect(BigInt(owedAfter!.balance)).toBe(0n);
    // The pool account paid only the fee of the batch that confirmed.
    const [fee] = await db.query<{ fee: string }>(
      "SELECT a.fee::text AS fee FROM payment_attempts a JOIN payment_batches b ON b.accepted_txid = a.txid");
    const [pool] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE miner_id = $1", [POOL_ACCOUNT]);
    expect(BigInt(pool!.balance)).toBe(KAS - BigInt(fee!.fee));
  } finally {
    await close();
  }
}, 60_000);
