// Payout planning on pure inputs: mass limits, exact sums, the fee rule, change folding, determinism.

import { describe, expect, test } from "bun:test";
import { addressToScriptPublicKey } from "../../src/kaspa/address.ts";
import { computeMass, minimumFee, verifyInputSignature } from "../../src/kaspa/tx/index.ts";
import { unsignedPayout, withPlaceholderSignatures } from "../../src/treasury/build.ts";
import { feeratePerKg, governingMass, MAX_PAYOUT_TX_MASS, MINIMUM_FEERATE_PER_KG, payoutFee } from "../../src/treasury/fee.ts";
import { planPayouts, type Plan, type PlanRequest } from "../../src/treasury/plan.ts";
import { signPayout } from "../../src/treasury/sign.ts";
import { minimumOutputSompi } from "../../src/treasury/threshold.ts";
import { amounts, KAS, payees, TREASURY, TREASURY_KEY, utxos } from "./fixtures.ts";

const TREASURY_SPK = addressToScriptPublicKey(TREASURY);

/** Every property a plan must have whatever the request: checked on the signed transactions (signatures are
 * verified on the first one; tests/treasury/devnet.test.ts has the node check them all). */
function checkPlan(req: PlanRequest, plan: Plan): void {
  const spent = new Set<string>();
  const paid = new Map<string, bigint>();
  const given = new Set(req.utxos.map((u) => `${u.outpoint.transactionId}:${u.outpoint.index}`));
  for (const [n, p] of plan.payouts.entries()) {
    const entries = p.inputs.map((u) => u.entry);
    const signed = signPayout(p.tx, entries, TREASURY_KEY);
    const mass = computeMass(signed, entries);
    expect(mass).toEqual(p.mass);
    for (const m of [mass.compute, mass.storage, mass.transient]) expect(m).toBeLessThanOrEqual(MAX_PAYOUT_TX_MASS);
    if (n === 0) signed.inputs.forEach((_, i) => expect(verifyInputSignature(signed, i, entries)).toBe(true));

    const totalIn = entries.reduce((s, e) => s + e.amount, 0n);
    const totalOut = signed.outputs.reduce((s, o) => s + o.value, 0n);
    expect(totalIn).toBe(totalOut + p.fee);
    expect(p.fee).toBeGreaterThanOrEqual(payoutFee(mass, req.feePerKg));
    expect(p.fee * 1000n).toBeGreaterThanOrEqual(MINIMUM_FEERATE_PER_KG * governingMass(mass));
    expect(p.fee).toBeGreaterThanOrEqual(minimumFee(mass));

    const payeeOutputs = p.change > 0n ? signed.outputs.slice(0, -1) : signed.outputs;
    if (p.change > 0n) {
      expect(signed.outputs.at(-1)).toEqual({ value: p.change, scriptPublicKey: TREASURY_SPK });
      expect(p.change).toBeGreaterThanOrEqual(minimumOutputSompi());
      // A change output is at the fixed point: exactly the fee its own transaction requires.
      expect(p.fee).toBe(payoutFee(mass, req.feePerKg));
    }
    expect(payeeOutputs).toEqual(p.payees.map((y) => ({ value: y.amount, scriptPublicKey: addressToScriptPublicKey(y.address) })));
    for (const y of p.payees) {
      expect(paid.has(y.address)).toBe(false);
      paid.set(y.address, y.amount);
    }
    for (const u of p.inputs) {
      const k = `${u.outpoint.transactionId}:${u.outpoint.index}`;
      expect(given.has(k)).toBe(true);
      expect(spent.has(k)).toBe(false);
      spent.add(k);
    }
  }
  const unpaid = new Set(plan.unpaid.map((u) => u.payee.address));
  for (const y of req.payees) {
    if (unpaid.has(y.address)) expect(paid.has(y.address)).toBe(false);
    else expect(paid.get(y.address)).toBe(y.amount);
  }
}

// Signing a thousand inputs takes seconds on a busy machine.
const SLOW = 30_000;

describe("1,000 small balances", () => {
  const req: PlanRequest = {
    payees: payees(amounts(1000, KAS, 5n * KAS)),
    utxos: utxos(amounts(1500, 2n * KAS, 4n * KAS, 11)),
    changeAddress: TREASURY,
    feePerKg: feeratePerKg(1),
  };
  const plan = planPayouts(req);

  test("become several transactions, each within every mass limit, paying everyone exactly once", () => {
    expect(plan.unpaid).toEqual([]);
    expect(plan.payouts.length).toBeGreaterThan(5);
    checkPlan(req, plan);
    // Storage mass is what binds with outputs this small: most transactions are close to the limit.
    expect(plan.payouts.filter((p) => p.mass.storage > MAX_PAYOUT_TX_MASS * 9n / 10n).length).toBeGreaterThan(plan.payouts.length / 2);
  }, SLOW);

  test("the same request gives the same plan, whatever the order of the UTXOs", () => {
    expect(planPayouts(req)).toEqual(plan);
    expect(planPayouts({ ...req, utxos: [...req.utxos].reverse() })).toEqual(plan);
  }, SLOW);

  test("a higher feerate raises every fee to feerate × governing mass", () => {
    const dear = { ...req, feePerKg: feeratePerKg(2500.5) };
    const plan2 = planPayouts(dear);
    checkPlan(dear, plan2);
    for (const p of plan2.payouts) expect(p.fee * 1000n).toBeGreaterThanOrEqual(2_500_500n * governingMass(p.mass));
  }, SLOW);
});

describe("single payouts", () => {
  const base = (payeeAmounts: bigint[], utxoAmounts: bigint[]): PlanRequest => ({
    payees: payees(payeeAmounts), utxos: utxos(utxoAmounts), changeAddress: TREASURY, feePerKg: MINIMUM_FEERATE_PER_KG,
  });

  test("a payee below the storage-mass minimum is not planned; one at the minimum is", () => {
    const min = minimumOutputSompi();
    const req = base([min - 1n, min], [100n * KAS]);
    const plan = planPayouts(req);
    expect(plan.unpaid).toEqual([{ payee: req.payees[0]!, reason: "belowMinimum" }]);
    expect(plan.payouts.map((p) => p.payees)).toEqual([[req.payees[1]!]]);
    checkPlan(req, plan);
  });

  test("a change too small to be an output is folded into the fee", () => {
    const payee = payees([KAS])[0]!;
    const bare = unsignedPayout(utxos([2n * KAS]), [{ value: KAS, scriptPublicKey: addressToScriptPublicKey(payee.address) }]);
    const bareFee = payoutFee(computeMass(withPlaceholderSignatures(bare), [utxos([2n * KAS])[0]!.entry]), MINIMUM_FEERATE_PER_KG);
    const req = base([KAS], [KAS + bareFee + minimumOutputSompi() - 1n]);
    const plan = planPayouts(req);
    const [p] = plan.payouts;
    expect(p!.change).toBe(0n);
    expect(p!.tx.outputs).toHaveLength(1);
    expect(p!.fee).toBe(bareFee + minimumOutputSompi() - 1n);
    checkPlan(req, plan);
    // With one sompi more the change could be an output, but paying for it leaves less than the minimum: still folded.
    expect(planPayouts(base([KAS], [KAS + bareFee + minimumOutputSompi()])).payouts[0]!.change).toBe(0n);
    // With enough left over, there is change.
    expect(planPayouts(base([KAS], [3n * KAS])).payouts[0]!.change).toBeGreaterThan(0n);
  });

  test("payees the UTXOs cannot cover wait; later ones that fit are paid", () => {
    const req = base([8n * KAS, 50n * KAS, KAS], [5n * KAS, 5n * KAS]);
    const plan = planPayouts(req);
    expect(plan.unpaid).toEqual([{ payee: req.payees[1]!, reason: "insufficientFunds" }]);
    expect(plan.payouts.flatMap((p) => p.payees.map((y) => y.amount))).toEqual([8n * KAS, KAS]);
    checkPlan(req, plan);
  });

  test("a payee that would need more inputs than one transaction holds is left for consolidation", () => {
    const req = base([100n * KAS], Array(200).fill(KAS));
    expect(planPayouts(req).unpaid).toEqual([{ payee: req.payees[0]!, reason: "massLimit" }]);
  });

  test("inputs are added to earn storage-mass credit when outputs are small", () => {
    // Ten outputs of 0.2 KAS are 500,000 grams of storage mass; one 100 KAS input credits almost nothing.
    const req = base(Array(10).fill(KAS / 5n), [100n * KAS, ...Array(60).fill(KAS / 2n)]);
    const plan = planPayouts(req);
    checkPlan(req, plan);
    expect(plan.unpaid).toEqual([]);
    expect(plan.payouts.length).toBeGreaterThanOrEqual(1);
    expect(plan.payouts[0]!.inputs.length).toBeGreaterThan(1);
  });
});

describe("bad requests are errors", () => {
  test("a wallet listed twice, a UTXO listed twice, a UTXO of another script, a non-P2PK change address", () => {
    const good = { payees: payees([KAS]), utxos: utxos([2n * KAS]), changeAddress: TREASURY, feePerKg: MINIMUM_FEERATE_PER_KG };
    expect(() => planPayouts({ ...good, payees: [...good.payees, ...good.payees] })).toThrow("is listed twice: a wallet is paid in one output");
    expect(() => planPayouts({ ...good, utxos: [...good.utxos, ...good.utxos] })).toThrow("is listed twice");
    const foreign = { ...good.utxos[0]!, entry: { ...good.utxos[0]!.entry, scriptPublicKey: addressToScriptPublicKey(good.payees[0]!.address) } };
    expect(() => planPayouts({ ...good, utxos: [foreign] })).toThrow("does not pay the change address");
    expect(() => planPayouts({ ...good, changeAddress: "kaspadev:pq99546ray" })).toThrow();
  });
});
