// 1,000 small balances through the payer on the devnet: several transactions, each within every mass limit when
// recomputed from its stored signed bytes, all accepted, every wallet paid its balance to the sompi.

import { expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import { parseJson } from "../../src/common/json.ts";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { addressToScriptPublicKey } from "../../src/kaspa/address.ts";
import { computeMass, parseTransaction } from "../../src/kaspa/tx/index.ts";
import { NodeClient } from "../../src/node/client.ts";
import { makeSigner } from "../../src/payouts/planner.ts";
import { startPayerService } from "../../src/payouts/service.ts";
import { MAX_PAYOUT_TX_MASS } from "../../src/treasury/fee.ts";
import { createPgliteDatabase } from "../db/backends.ts";
import { until } from "../node/scriptedNode.ts";
import { address, amounts, KAS, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

const WALLETS = 1_000;

test("1,000 small balances become several transactions within every mass limit, all accepted, each paid exactly", async () => {
  const devnet = await startDevnet({ port: 0, bps: 10, maturity: 1 });
  const node = new NodeClient({ urls: [devnet.url], requestTimeoutMs: 10_000, log: silentLogger });
  node.start();
  const db = await openDatabase(createPgliteDatabase());
  try {
    const owed = amounts(WALLETS, KAS, 5n * KAS);
    await applyLedger(db, owed.map((amount, i) => ({
      wallet: address(1_000 + i), minerId: "rig", amount, reason: "adjustment" as const, blockHash: null, paymentId: null, note: "test",
    })));
    for (let i = 0; i < 300; i++) devnet.fund(TREASURY, 20n * KAS, { mature: false });
    const fundedAt = devnet.virtualDaaScore();
    await until(async () => devnet.virtualDaaScore() >= fundedAt + 1n, 20_000, "maturity");
    const config = {
      treasury: { address: TREASURY, coinbaseMaturity: 1, fee: 1 }, payments: { intervalMinutes: 60, thresholdKas: 1, feeBumpMinutes: 10 },
      database: { url: null, embeddedPath: "memory://" },
    };
    const service = await startPayerService({
      db, node, config, signer: makeSigner(bytesToHex(TREASURY_KEY), config), log: silentLogger, stopped: () => false,
    });
    try {
      await until(async () => {
        await service!.cycleNow();
        const [n] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM payments WHERE status = 'confirmed'");
        return Number(n!.n) === WALLETS;
      }, 90_000, "every wallet paid");
    } finally {
      await service!.stop();
    }

    const attempts = await db.query<{ txid: string; transaction: string }>("SELECT txid, transaction FROM payment_attempts");
    const batches = await db.query<{ status: string }>("SELECT status FROM payment_batches");
    expect(attempts.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.status === "accepted")).toBe(true);
    const spk = addressToScriptPublicKey(TREASURY);
    for (const a of attempts) {
      const inputs = await db.query<{ amount: string }>("SELECT amount::text AS amount FROM payment_inputs WHERE txid = $1 ORDER BY outpoint", [a.txid]);
      const tx = parseTransaction(parseJson(a.transaction));
      expect(tx.inputs).toHaveLength(inputs.length);
      // Every input is one of the 20 KAS coinbase outputs, so the entries are known without the input order.
      const mass = computeMass(tx, tx.inputs.map(() => ({ amount: 20n * KAS, scriptPublicKey: spk, blockDaaScore: 0n, isCoinbase: true })));
      for (const m of [mass.compute, mass.storage, mass.transient]) expect(m).toBeLessThanOrEqual(MAX_PAYOUT_TX_MASS);
    }
    const paid = await Promise.all(owed.map(async (_, i) => BigInt((await node.request("getBalanceByAddress", { address: address(1_000 + i) })).balance)));
    expect(paid).toEqual(owed);
  } finally {
    await db.close();
    await node.close();
    await devnet.stop();
  }
}, 180_000);
