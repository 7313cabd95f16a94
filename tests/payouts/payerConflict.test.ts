// What the payer may spend, and what happens when someone else spends it first. Immature coinbase and outside
// deposits are never spent for payouts. A batch whose input was spent by another transaction is refused by the
// devnet, refunded to the balances once the conflict is as deep as coinbase maturity, and paid again from other
// coins: the wallet receives its balance exactly once.

import { expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { TreasuryWatcher } from "../../src/treasury/watcher.ts";
import { until } from "../node/scriptedNode.ts";
import { address, KAS, TREASURY } from "../treasury/fixtures.ts";
import { startPayerRig } from "./fixture.ts";

test("immature coinbase and outside deposits are never spent for payouts", async () => {
  const rig = await startPayerRig({ maturity: 1_000 });
  const { devnet, db } = rig;
  try {
    await rig.credit({ wallet: address(500), amount: 4n * KAS });
    rig.fund(50n * KAS);
    devnet.fund(TREASURY, 50n * KAS, { mature: true });
    await rig.startPayer();
    await rig.cycle();
    await rig.cycle();
    await rig.stopPayer();
    expect(await db.query("SELECT id FROM payment_batches")).toEqual([]);
    expect(await rig.chainBalance(address(500))).toBe(0n);
  } finally {
    await rig.stop();
  }
}, 60_000);

test("a batch whose input another transaction spent is refused, refunded once, and the wallet is paid once", async () => {
  const rig = await startPayerRig({ maturity: 2 });
  const { node, db } = rig;
  try {
    const wallet = address(501);
    await rig.credit({ wallet, amount: 4n * KAS }, { wallet: TREASURY, minerId: POOL_ACCOUNT, amount: KAS });
    rig.fund(5n * KAS);
    await rig.mature();
    const watcher = new TreasuryWatcher(node, TREASURY, silentLogger);
    let refusal = "";
    let conflicted = false;
    await rig.startPayer({
      onStep: async (step) => {
        if (step !== "written" || conflicted) return;
        conflicted = true;
        // Before the batch goes out, the same coin is spent elsewhere (the key used by hand, say) and accepted.
        await watcher.resync();
        const [other] = rig.signer.plan([{ address: address(502), amount: 2n * KAS }], watcher.snapshot(), 1);
        await node.submitTransaction(JSON.parse(other!.transaction));
        await until(async () => (await rig.chainBalance(address(502))) === 2n * KAS, 20_000, "the other spend accepted");
        // The batch's own bytes are now a double spend the node refuses.
        const [mine] = await db.query<{ transaction: string }>("SELECT transaction FROM payment_attempts");
        refusal = await node.submitTransaction(JSON.parse(mine!.transaction)).then(() => "", (e: Error) => e.message);
      },
    });
    await rig.cycleUntil(async () => (await db.query("SELECT 1 FROM payment_batches WHERE status = 'refunded'")).length === 1, "refunded");
    expect(await rig.chainBalance(wallet)).toBe(0n);
    const [owed] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE wallet = $1", [wallet]);
    expect(BigInt(owed!.balance)).toBe(4n * KAS);
    // New coins arrive; the refunded balance is paid from them.
    rig.fund(5n * KAS);
    await rig.mature(3);
    await rig.cycleUntil(async () => (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1, "paid");
    await rig.stopPayer();
    expect(refusal).toMatch(/Rejected transaction/);
    expect(await rig.chainBalance(wallet)).toBe(4n * KAS);
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
    await rig.stop();
  }
}, 60_000);
