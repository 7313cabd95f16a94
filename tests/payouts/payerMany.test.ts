// 1,000 small balances through the payer on the devnet: several transactions, each within every mass limit when
// recomputed from its stored signed bytes, all accepted, every wallet paid its balance to the sompi.

import { expect, test } from "bun:test";
import { parseJson } from "../../src/common/json.ts";
import { addressToScriptPublicKey } from "../../src/kaspa/address.ts";
import { computeMass, parseTransaction } from "../../src/kaspa/tx/index.ts";
import { MAX_PAYOUT_TX_MASS } from "../../src/treasury/fee.ts";
import { address, amounts, KAS, TREASURY } from "../treasury/fixtures.ts";
import { startPayerRig } from "./fixture.ts";

const WALLETS = 1_000;

test("1,000 small balances become several transactions within every mass limit, all accepted, each paid exactly", async () => {
  const rig = await startPayerRig({ maturity: 1, requestTimeoutMs: 10_000 });
  const { db } = rig;
  try {
    const owed = amounts(WALLETS, KAS, 5n * KAS);
    await rig.credit(...owed.map((amount, i) => ({ wallet: address(1_000 + i), amount })));
    rig.fund(...Array.from({ length: 300 }, () => 20n * KAS));
    await rig.mature();
    await rig.startPayer();
    await rig.cycleUntil(async () => {
      const [n] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM payments WHERE status = 'confirmed'");
      return Number(n!.n) === WALLETS;
    }, "every wallet paid", { timeoutMs: 90_000 });
    await rig.stopPayer();

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
    const paid = await Promise.all(owed.map((_, i) => rig.chainBalance(address(1_000 + i))));
    expect(paid).toEqual(owed);
  } finally {
    await rig.stop();
  }
}, 180_000);
