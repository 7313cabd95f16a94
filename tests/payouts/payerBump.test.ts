// A payout stuck under a congested network is replaced at the node's new feerate: the replacement spends the same
// inputs, so only one of the two can confirm; the wallet is paid once and the pool account pays the accepted fee.

import { expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { NodeClient } from "../../src/node/client.ts";
import { makeSigner } from "../../src/payouts/planner.ts";
import { startPayerService } from "../../src/payouts/service.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { until } from "../node/scriptedNode.ts";
import { createPgliteDatabase } from "../db/backends.ts";
import { address, KAS, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";


test("a stuck payout is replaced at the new feerate and only the replacement confirms", async () => {
  const backend = createPgliteDatabase();
  const devnet = await startDevnet({ port: 0, bps: 10, maturity: 1 });
  const node = new NodeClient({ urls: [devnet.url], requestTimeoutMs: 5_000, log: silentLogger });
  node.start();
  const db = await openDatabase(backend);
  try {
    const wallet = address(400);
    await applyLedger(db, [
      { wallet, minerId: "rig", amount: 4n * KAS, reason: "adjustment", blockHash: null, paymentId: null, note: "test" },
      { wallet: TREASURY, minerId: POOL_ACCOUNT, amount: KAS, reason: "adjustment", blockHash: null, paymentId: null, note: "test" },
    ]);
    devnet.fund(TREASURY, 5n * KAS, { mature: false });
    const fundedAt = devnet.virtualDaaScore();
    await until(async () => devnet.virtualDaaScore() >= fundedAt + 1n, 20_000, "maturity");
    const config = {
      treasury: { address: TREASURY, coinbaseMaturity: 1, fee: 1 },
      payments: { intervalMinutes: 60, thresholdKas: 1, feeBumpMinutes: 0.005 },
      database: { url: null, embeddedPath: backend.embeddedPath },
    };
    const service = await startPayerService({
      db, node, config, signer: makeSigner(bytesToHex(TREASURY_KEY), config), log: silentLogger, stopped: () => false,
      // The network congests right after the first attempt went out at the idle feerate: it now waits in the mempool.
      onStep: (step) => {
        if (step === "broadcast") devnet.setMarketFeerate(1_000);
      },
    });
    try {
      await until(async () => {
        await service!.cycleNow();
        return (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1;
      }, 20_000, "the replacement accepted");
    } finally {
      await service!.stop();
    }
    const attempts = await db.query<{ txid: string; fee: string }>("SELECT txid, fee::text AS fee FROM payment_attempts ORDER BY attempt");
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const [batch] = await db.query<{ accepted_txid: string }>("SELECT accepted_txid FROM payment_batches");
    const accepted = attempts.find((a) => a.txid === batch!.accepted_txid)!;
    expect(accepted).toBe(attempts.at(-1)!);
    expect(BigInt(accepted.fee)).toBeGreaterThanOrEqual(10n * BigInt(attempts[0]!.fee) - 10n);
    // Paid once, whichever attempts existed.
    expect(BigInt((await node.request("getBalanceByAddress", { address: wallet })).balance)).toBe(4n * KAS);
    const chain = await node.getVirtualChainFromBlock((await db.query<{ chain_start: string }>("SELECT chain_start FROM payment_batches"))[0]!.chain_start, true);
    const acceptedIds = new Set(chain.acceptedTransactionIds.flatMap((a) => a.acceptedTransactionIds));
    expect(attempts.filter((a) => acceptedIds.has(a.txid)).map((a) => a.txid)).toEqual([accepted.txid]);
    // The pool account paid exactly the fee that confirmed.
    const [pool] = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE miner_id = $1", [POOL_ACCOUNT]);
    expect(BigInt(pool!.balance)).toBe(KAS - BigInt(accepted.fee));
  } finally {
    await db.close();
    await node.close();
    await devnet.stop();
  }
}, 60_000);
