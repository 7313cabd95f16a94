// A payout stuck under a congested network is replaced at the node's new feerate: the replacement spends the same
// inputs, so only one of the two can confirm; the wallet is paid once and the pool account pays the accepted fee.

import { expect, test } from "bun:test";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { address, KAS, TREASURY } from "../treasury/fixtures.ts";
import { startPayerRig } from "./fixture.ts";

test("a stuck payout is replaced at the new feerate and only the replacement confirms", async () => {
  const rig = await startPayerRig({ maturity: 1, feeBumpMinutes: 0.005 });
  const { devnet, node, db } = rig;
  try {
    const wallet = address(400);
    await rig.credit({ wallet, amount: 4n * KAS }, { wallet: TREASURY, minerId: POOL_ACCOUNT, amount: KAS });
    rig.fund(5n * KAS);
    await rig.mature();
    await rig.startPayer({
      // The network congests right after the first attempt went out at the idle feerate: it now waits in the mempool.
      onStep: (step) => {
        if (step === "broadcast") devnet.setMarketFeerate(1_000);
      },
    });
    await rig.cycleUntil(async () =>
      (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1, "the replacement accepted");
    await rig.stopPayer();
    const attempts = await db.query<{ txid: string; fee: string }>("SELECT txid, fee::text AS fee FROM payment_attempts ORDER BY attempt");
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const [batch] = await db.query<{ accepted_txid: string }>("SELECT accepted_txid FROM payment_batches");
    const accepted = attempts.find((a) => a.txid === batch!.accepted_txid)!;
    expect(accepted).toBe(attempts.at(-1)!);
    expect(BigInt(accepted.fee)).toBeGreaterThanOrEqual(10n * BigInt(attempts[0]!.fee) - 10n);
    // Paid once, whichever attempts existed.
    expect(await rig.chainBalance(wallet)).toBe(4n * KAS);
    const chain = await node.getVirtualChainFromBlock((await db.query<{ chain_start: string }>("SELECT chain_start FROM payment_batches"))[0]!.chain_start, true);
    const acceptedIds = new Set(chain.acceptedTransactionIds.flatMap((a) => a.acceptedTransactionIds));
    expect(attempts.filter((a) => acceptedIds.has(a.txid)).map((a) => a.txid)).toEqual([accepted.txid]);
    // The pool account paid exactly the fee that confirmed.
    const [pool] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE miner_id = $1", [POOL_ACCOUNT]);
    expect(BigInt(pool!.balance)).toBe(KAS - BigInt(accepted.fee));
  } finally {
    await rig.stop();
  }
}, 60_000);
