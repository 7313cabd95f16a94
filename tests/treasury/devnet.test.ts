// A planned payout accepted by the devnet over a real WebSocket: coinbase mined to the treasury key's address,
// matured, planned, signed and submitted; the payees' balances then equal their amounts to the sompi. Then a plan
// of several transactions near the storage-mass limit, each accepted.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { toBigInt } from "../../src/common/json.ts";
import { transactionId } from "../../src/kaspa/tx/index.ts";
import { submitTransactionParams, type SpendableUtxo } from "../../src/treasury/build.ts";
import { feeratePerKg } from "../../src/treasury/fee.ts";
import { planPayouts } from "../../src/treasury/plan.ts";
import { signPayout } from "../../src/treasury/sign.ts";
import { minimumOutputSompi } from "../../src/treasury/threshold.ts";
import { findNonce } from "../devnet/mining.ts";
import { WsClient } from "../devnet/wsClient.ts";
import { address, amounts, KAS, payees, TREASURY, TREASURY_KEY } from "./fixtures.ts";

const MATURITY = 5;
const BLOCKS = 6;
let devnet: Devnet;
let client: WsClient;

beforeAll(async () => {
  // Difficulty 2^-20: a block takes ~4096 hashes.
  devnet = await startDevnet({ port: 0, bps: 10, difficulty: 2 ** -20, maturity: MATURITY });
  client = await WsClient.connect(devnet.url);
});

afterAll(async () => {
  client.close();
  await devnet.stop();
});

async function mineTo(address: string): Promise<void> {
  const { block } = await client.call("getBlockTemplate", { payAddress: address, extraData: [] });
  block.header.nonce = findNonce(block.header, "valid");
  const reply = await client.call("submitBlock", { block, allowNonDAABlocks: false });
  expect(reply.report.type).toBe("success");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The treasury's UTXOs the payer may spend now: mature coinbase and confirmed change. */
async function spendableNow(): Promise<SpendableUtxo[]> {
  const { entries } = await client.call("getUtxosByAddresses", { addresses: [TREASURY] });
  const daa = devnet.virtualDaaScore();
  return (entries as any[])
    .map((e) => ({
      outpoint: e.outpoint,
      entry: { ...e.utxoEntry, amount: toBigInt(e.utxoEntry.amount), blockDaaScore: toBigInt(e.utxoEntry.blockDaaScore) },
    }))
    .filter((u) => !u.entry.isCoinbase || u.entry.blockDaaScore + BigInt(MATURITY) <= daa);
}

/** spendableNow() once `coinbase` coinbase UTXOs are paid and mature. */
async function spendable(coinbase: number): Promise<SpendableUtxo[]> {
  for (let i = 0; i < 100; i++) {
    const utxos = await spendableNow();
    if (utxos.filter((u) => u.entry.isCoinbase).length === coinbase) return utxos;
    await sleep(100);
  }
  throw new Error("coinbase did not mature");
}

const balance = async (address: string) => toBigInt((await client.call("getBalanceByAddress", { address })).balance);

test("coinbase mined to the treasury pays three wallets in one accepted transaction; the tiny one waits", async () => {
  for (let i = 0; i < BLOCKS; i++) await mineTo(TREASURY);
  const utxos = await spendable(BLOCKS);
  const { estimate } = await client.call("getFeeEstimate", {});
  const due = payees([2n * KAS, 3n * KAS, minimumOutputSompi() - 1n, 3n * KAS / 2n]);
  const plan = planPayouts({ payees: due, utxos, changeAddress: TREASURY, feePerKg: feeratePerKg(estimate.normalBuckets[0].feerate) });
  expect(plan.unpaid).toEqual([{ payee: due[2]!, reason: "belowMinimum" }]);
  expect(plan.payouts).toHaveLength(1);
  const [payout] = plan.payouts;
  const signed = signPayout(payout!.tx, payout!.inputs.map((u) => u.entry), TREASURY_KEY);

  const before = await balance(TREASURY);
  const reply = await client.request("submitTransaction", submitTransactionParams(signed));
  expect(reply.error).toBeUndefined();
  expect(reply.params).toEqual({ transactionId: transactionId(signed) });

  for (let i = 0; i < 50 && (await balance(due[0]!.address)) === 0n; i++) await sleep(50);
  for (const p of [due[0]!, due[1]!, due[3]!]) expect(await balance(p.address)).toBe(p.amount);
  expect(await balance(due[2]!.address)).toBe(0n);
  const paid = 2n * KAS + 3n * KAS + 3n * KAS / 2n;
  // New coinbase may have arrived meanwhile only if mined: nobody else mines to the treasury here.
  expect(await balance(TREASURY)).toBe(before - paid - payout!.fee);
});

test("a hundred small balances need several storage-heavy transactions; the node accepts every one", async () => {
  // Funded rather than mined, for speed: 200 confirmed 1 KAS UTXOs, as change outputs would be.
  for (let i = 0; i < 200; i++) devnet.fund(TREASURY, KAS);
  const utxos = await spendableNow();
  const due = amounts(100, KAS * 3n / 10n, KAS * 6n / 10n, 5).map((amount, i) => ({ address: address(100 + i), amount }));
  const plan = planPayouts({ payees: due, utxos, changeAddress: TREASURY, feePerKg: feeratePerKg(1) });
  expect(plan.unpaid).toEqual([]);
  expect(plan.payouts.length).toBeGreaterThan(1);
  expect(plan.payouts.some((p) => p.mass.storage > 90_000n)).toBe(true);
  for (const p of plan.payouts) {
    const signed = signPayout(p.tx, p.inputs.map((u) => u.entry), TREASURY_KEY);
    const reply = await client.request("submitTransaction", submitTransactionParams(signed));
    expect(reply.error).toBeUndefined();
    expect(reply.params).toEqual({ transactionId: transactionId(signed) });
  }
  // The transactions may land in different blocks: wait for the last one, not the first.
  const unpaid = async () => (await Promise.all(due.map((p) => balance(p.address)))).filter((b) => b === 0n).length;
  for (let i = 0; i < 100 && (await unpaid()) > 0; i++) await sleep(50);
  for (const p of due) expect(await balance(p.address)).toBe(p.amount);
}, 20_000);
