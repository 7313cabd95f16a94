// submitTransaction over a real WebSocket: fixtures (txFixtures.ts) spend UTXOs made with devnet.fund; acceptance
// shows in the UTXO index and utxosChanged after the next tick.

import { describe, expect, test } from "bun:test";
import { addressToScriptPublicKey } from "../../src/kaspa/address.ts";
import { devAddress } from "./fixtures.ts";
import { build, fund as fundCoin, KAS, MIN_FEE_1_IN_2_OUT, pendingOutput, schnorrWallet, txDevnet, type Built } from "./txFixtures.ts";
import { WsClient } from "./wsClient.ts";

const MATURITY = 8;
const ALICE = schnorrWallet(1);
const BOB = devAddress(2);

// 4 BPS leaves 250 ms after each tick for a test to act before the next one.
const { devnet, client, tx, nextTick } = await txDevnet({ port: 0, bps: 4, maturity: MATURITY });

const fund = (amount: bigint, mature = true) => fundCoin(devnet, ALICE, amount, mature);
const submit = (b: Built) => tx.submit(b);
const accepted = (b: Built) => tx.accepted(b);
const rejected = (b: Built, reason: string | RegExp) => tx.rejected(b, reason);

const utxosOf = async (address: string) => (await client.call("getUtxosByAddresses", { addresses: [address] })).entries as any[];
const key = (o: { transactionId: string; index: number }) => `${o.transactionId}:${o.index}`;

describe("accepted transactions", () => {
  test("queue in the mempool, then the next tick moves them into the UTXO set and notifies", async () => {
    const watcher = await WsClient.connect(devnet.url);
    try {
      await watcher.call("subscribe", { UtxosChanged: { addresses: [ALICE.address, BOB] } });
      const coin = fund(10n * KAS);
      const fee = MIN_FEE_1_IN_2_OUT;
      const tx = build([coin], [[BOB, 4n * KAS], [ALICE.address, 6n * KAS - fee]]);

      const before = await nextTick();
      await accepted(tx);
      expect((await client.call("getInfo")).mempoolSize).toBe(1);
      expect((await utxosOf(ALICE.address)).map((e) => key(e.outpoint))).toContain(key(coin.outpoint));

      const after = await nextTick();
      expect((await client.call("getInfo")).mempoolSize).toBe(0);
      // The chain block that accepted the transaction had the DAA score virtual had while it waited.
      const bob = (await utxosOf(BOB)).find((e) => e.outpoint.transactionId === tx.id);
      expect(bob).toEqual({
        address: BOB,
        outpoint: { transactionId: tx.id, index: 0 },
        // Safe integers come back as numbers from parseJson.
        utxoEntry: { amount: Number(4n * KAS), scriptPublicKey: addressToScriptPublicKey(BOB), blockDaaScore: before, isCoinbase: false, covenantId: null },
      });
      expect(after).toBeGreaterThan(before);
      const alice = (await utxosOf(ALICE.address)).map((e) => key(e.outpoint));
      expect(alice).not.toContain(key(coin.outpoint));
      expect(alice).toContain(key({ transactionId: tx.id, index: 1 }));
      expect(await client.call("getBalanceByAddress", { address: BOB })).toEqual({ balance: Number(4n * KAS) });

      let change: any;
      for (let i = 0; i < 5 && !change?.removed.length; i++) change = (await watcher.notification("utxosChangedNotification")).params.UtxosChanged;
      expect(change.removed.map((e: any) => key(e.outpoint))).toEqual([key(coin.outpoint)]);
      expect(change.added.map((e: any) => key(e.outpoint)).sort()).toEqual([`${tx.id}:0`, `${tx.id}:1`].sort());
      expect(change.added.every((e: any) => e.utxoEntry.isCoinbase === false && e.utxoEntry.blockDaaScore === before)).toBe(true);
    } finally {
      watcher.close();
    }
  });

  test("a version 1 transaction with computeBudget 10 per input is accepted", async () => {
    const coin = fund(3n * KAS);
    await accepted(build([coin], [[BOB, 2n * KAS], [ALICE.address, KAS - 300_000n]], { version: 1 }));
  });

  test("a transaction may spend an output of one still in the mempool; both land in the same block", async () => {
    const coin = fund(5n * KAS);
    await nextTick();
    const parent = build([coin], [[ALICE.address, 5n * KAS - MIN_FEE_1_IN_2_OUT - KAS], [BOB, KAS]]);
    await accepted(parent);
    const parentOut = pendingOutput(parent, 0, ALICE, 5n * KAS - MIN_FEE_1_IN_2_OUT - KAS);
    const child = build([parentOut], [[BOB, 2n * KAS], [ALICE.address, parentOut.entry.amount - 2n * KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(child);
    await nextTick();
    const alice = (await utxosOf(ALICE.address)).map((e) => key(e.outpoint));
    expect(alice).not.toContain(key(parentOut.outpoint));
    expect(alice).toContain(`${child.id}:1`);
    expect((await utxosOf(BOB)).map((e) => key(e.outpoint))).toEqual(expect.arrayContaining([`${parent.id}:1`, `${child.id}:0`]));
  });
});

describe("double spends", () => {
  test("a second transaction spending an input already spent in the mempool is rejected", async () => {
    const coin = fund(2n * KAS);
    await nextTick();
    const first = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(first);
    const second = build([coin], [[BOB, KAS / 2n], [ALICE.address, (3n * KAS) / 2n - MIN_FEE_1_IN_2_OUT]]);
    await rejected(second, `output (${coin.outpoint.transactionId}, 0) already spent by transaction ${first.id} in the mempool`);
    await rejected(first, `transaction ${first.id} is already in the mempool`);
  });

  test("after confirmation the input is gone: another spender is an orphan, the same transaction already accepted", async () => {
    const coin = fund(2n * KAS);
    const first = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(first);
    await nextTick();
    const second = build([coin], [[BOB, KAS / 2n], [ALICE.address, (3n * KAS) / 2n - MIN_FEE_1_IN_2_OUT]]);
    await rejected(second, `transaction ${second.id} is an orphan where orphan is disallowed`);
    await rejected(first, `transaction ${first.id} was already accepted by the consensus`);
  });

  test("the same input twice in one transaction is rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin, coin], [[BOB, KAS]]), "transaction has duplicate inputs");
  });
});

describe("rejections", () => {
  test("an immature coinbase UTXO is rejected until blockDaaScore + maturity <= virtual DAA", async () => {
    const coin = fund(2n * KAS, false);
    const tx = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    const reply = await submit(tx);
    expect(reply.error.message).toStartWith(
      `Rejected transaction ${tx.id}: one of the transaction inputs spends an immature UTXO: transaction input #0 tried to spend ` +
        `coinbase outpoint (${coin.outpoint.transactionId}, 0) with daa score of ${coin.entry.blockDaaScore}\n    while the merging block daa score is `,
    );
    expect(reply.error.message).toEndWith(`and the coinbase maturity period of ${MATURITY} hasn't passed yet`);
    while (devnet.virtualDaaScore() < coin.entry.blockDaaScore + BigInt(MATURITY)) await nextTick();
    await accepted(tx);
  });

  test("a signature by another key, or over a changed transaction, is rejected", async () => {
    const coin = fund(2n * KAS);
    const reason = "failed to verify the signature script: false stack entry at end of script execution";
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]], { signWith: schnorrWallet(2) }), reason);
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]], { tamper: (t) => void (t.outputs[0]!.value += 1n) }), reason);
  });

  test("a fee one sompi under minimumFee(computeMass) is rejected with the node's text; exactly the minimum passes", async () => {
    const coin = fund(2n * KAS);
    const low = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT + 1n]]);
    await rejected(low, `transaction ${low.id} is not standard: transaction has ${MIN_FEE_1_IN_2_OUT - 1n} fees which is under the required amount of ${MIN_FEE_1_IN_2_OUT} for compute mass 2036`);
    await accepted(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]));
  });

  test("a zero-value output, or one above 29 billion KAS, is rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin], [[BOB, 0n], [ALICE.address, KAS]]), "transaction output 0 has zero value");
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, 2_900_000_000n * 10n ** 9n + 1n]]), "transaction output 1 value is higher than the max allowed of 2900000000000000000");
  });

  test("outputs above the inputs are rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS + 1n]]), `transaction tries to spend ${2n * KAS + 1n} while its total inputs amount is ${2n * KAS}`);
  });

  test("mass commitments must fit the version and pay for the script: v0 one sig-op per P2PK input, v1 a compute budget of 10", async () => {
    const coin = fund(2n * KAS);
    const outs: Array<[string, bigint]> = [[BOB, KAS], [ALICE.address, KAS - 400_000n]];
    const units = (used: number, limit: number) => `failed to verify the signature script: script units exceeded the amount committed in the input: used=${used}, limit=${limit}`;
    await rejected(build([coin], outs, { commit: { sigOpCount: 0 } }), units(100_000, 9_999));
    await rejected(build([coin], outs, { version: 1, commit: { sigOpCount: 0, computeBudget: 9 } }), units(100_000, 99_999));
    const mixed = await submit(build([coin], outs, { version: 1, commit: { sigOpCount: 1 } }));
    expect(mixed.error.message).toBe("RpcTransactionInput.sig_op_count is inconsistent with transaction version 1");
  });

  test("malformed requests are deserialization errors and leave the mempool alone", async () => {
    const coin = fund(2n * KAS);
    const tx = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    const { storageMass: _, ...noMass } = tx.json;
    await nextTick();
    for (const params of [{ transaction: tx.json }, { transaction: noMass, allowOrphan: false }, { transaction: { ...tx.json, outputs: 1 }, allowOrphan: false }]) {
      expect((await client.request("submitTransaction", params)).error.message).toBe("request deserialization error");
    }
    expect((await client.call("getInfo")).mempoolSize).toBe(0);
  });
});
