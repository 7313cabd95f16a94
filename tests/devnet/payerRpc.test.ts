// What a payer needs from the node besides submitTransaction, over a real WebSocket: getVirtualChainFromBlock with
// accepted transaction ids, submitTransactionReplacement (RBF) with rusty-kaspa's rules and texts, and a node
// restart that loses the mempool.

import { describe, expect, test } from "bun:test";
import { stringifyJson, parseJson } from "../../src/common/json.ts";
import { minimumFee, nonContextualMass } from "../../src/kaspa/tx/index.ts";
import { devAddress } from "./fixtures.ts";
import { findNonce } from "./mining.ts";
import { build, fund, KAS, pendingOutput, schnorrWallet, submitter, txDevnet, type Built, type Coin } from "./txFixtures.ts";
import { WsClient } from "./wsClient.ts";

const ALICE = schnorrWallet(1);
const BOB = devAddress(2);
const CAROL = devAddress(3);

const { devnet, client, tx, nextTick } = await txDevnet({ port: 0, bps: 4, difficulty: 2 ** -20 });

/** Pays `amount` to `to` with `fee` on top, the change back to ALICE. */
const pay = (coins: Coin[], to: string, amount: bigint, fee: bigint): Built =>
  build(coins, [[to, amount], [ALICE.address, coins.reduce((s, c) => s + c.entry.amount, 0n) - amount - fee]]);
const minFee = (b: Built) => minimumFee(nonContextualMass(b.tx));

describe("getVirtualChainFromBlock", () => {
  test("lists the chain blocks after the start and, when asked, the transactions each accepted", async () => {
    await nextTick();
    const start = (await client.call("getSink")).sink;
    const payment = pay([fund(devnet, ALICE, 2n * KAS)], BOB, KAS, 300_000n);
    await tx.accepted(payment);
    await nextTick();
    await nextTick();

    const reply = await client.call("getVirtualChainFromBlock", { startHash: start, includeAcceptedTransactionIds: true });
    expect(Object.keys(reply)).toEqual(["removedChainBlockHashes", "addedChainBlockHashes", "acceptedTransactionIds"]);
    expect(reply.removedChainBlockHashes).toEqual([]);
    expect(reply.addedChainBlockHashes.length).toBeGreaterThanOrEqual(2);
    expect(reply.addedChainBlockHashes.at(-1)).toBe((await client.call("getSink")).sink);
    expect(reply.acceptedTransactionIds.map((a: any) => a.acceptingBlockHash)).toEqual(reply.addedChainBlockHashes);
    const accepting = reply.acceptedTransactionIds.filter((a: any) => a.acceptedTransactionIds.includes(payment.id));
    expect(accepting.length).toBe(1);
    expect(Object.keys(accepting[0])).toEqual(["acceptingBlockHash", "acceptedTransactionIds"]);

    const bare = await client.call("getVirtualChainFromBlock", { startHash: start, includeAcceptedTransactionIds: false });
    expect(bare.acceptedTransactionIds).toEqual([]);
    const confirmed = await client.call("getVirtualChainFromBlock", { startHash: start, includeAcceptedTransactionIds: true, minConfirmationCount: 1_000_000 });
    expect(confirmed).toEqual({ removedChainBlockHashes: [], addedChainBlockHashes: [], acceptedTransactionIds: [] });
  });

  test("from a block off the selected chain, that block is removed; an unknown hash is the node's error", async () => {
    const template = (await client.call("getBlockTemplate", { payAddress: CAROL, extraData: [] })).block;
    template.header.nonce = findNonce(template.header, "valid");
    expect((await client.call("submitBlock", { block: template, allowNonDAABlocks: false })).report.type).toBe("success");
    const hash = devnet.acceptedBlocks().at(-1)!.hash;
    await nextTick();
    const reply = await client.call("getVirtualChainFromBlock", { startHash: hash, includeAcceptedTransactionIds: false });
    expect(reply.removedChainBlockHashes).toEqual([hash]);
    expect(reply.addedChainBlockHashes.length).toBeGreaterThanOrEqual(1);

    const unknown = "ab".repeat(32);
    const err = await client.request("getVirtualChainFromBlock", { startHash: unknown, includeAcceptedTransactionIds: true });
    expect(err.error.message).toBe(`cannot find header ${unknown}`);
    expect((await client.request("getVirtualChainFromBlock", { startHash: unknown })).error.message).toBe("request deserialization error");
  });
});

describe("submitTransactionReplacement", () => {
  const replace = (b: Built) => client.request("submitTransactionReplacement", { transaction: b.json });

  test("needs exactly one mempool transaction to double spend", async () => {
    const lone = pay([fund(devnet, ALICE, 2n * KAS)], BOB, KAS, 300_000n);
    expect((await replace(lone)).error.message).toBe(`Rejected transaction ${lone.id}: replace by fee found no double spending transaction in the mempool`);

    await nextTick();
    const [a, b] = [fund(devnet, ALICE, 2n * KAS), fund(devnet, ALICE, 2n * KAS)];
    await tx.accepted(pay([a], BOB, KAS, 300_000n));
    await tx.accepted(pay([b], BOB, KAS, 300_000n));
    const both = pay([a, b], BOB, KAS, 3_000_000n);
    expect((await replace(both)).error.message).toBe(`Rejected transaction ${both.id}: replace by fee found more than one double spending transaction in the mempool`);
  });

  test("a replacement must pay a strictly higher fee rate", async () => {
    await nextTick();
    const coin = fund(devnet, ALICE, 2n * KAS);
    const original = pay([coin], BOB, KAS, 300_000n);
    await tx.accepted(original);
    const same = pay([coin], CAROL, KAS, 300_000n);
    expect((await replace(same)).error.message).toBe(`Rejected transaction ${same.id}: fee rate per contextual mass gram is not greater than the fee rate of the replaced transaction`);
  });

  test("replaces the double-spent transaction and its descendants, returns it, and only the replacement confirms", async () => {
    await nextTick();
    const coin = fund(devnet, ALICE, 2n * KAS);
    const original = pay([coin], BOB, KAS, 300_000n);
    await tx.accepted(original);
    const child = pay([pendingOutput(original, 1, ALICE, KAS - 300_000n)], BOB, KAS / 2n, 300_000n);
    await tx.accepted(child);
    expect(minFee(original)).toBeLessThan(300_000n);

    const replacement = pay([coin], CAROL, KAS, 600_000n);
    const reply = await replace(replacement);
    expect(reply.error).toBeUndefined();
    expect(Object.keys(reply.params)).toEqual(["transactionId", "replacedTransaction"]);
    expect(reply.params.transactionId).toBe(replacement.id);
    const r = reply.params.replacedTransaction;
    expect(Object.keys(r)).toEqual(["version", "inputs", "outputs", "lockTime", "subnetworkId", "gas", "payload", "storageMass", "mass", "verboseData"]);
    const expected = parseJson(stringifyJson({ ...original.tx, inputs: original.tx.inputs.map((i) => ({ ...i, computeBudget: 0, verboseData: null })) })) as any;
    expect(r.inputs).toEqual(expected.inputs);
    expect(r.outputs).toEqual(expected.outputs.map((o: any) => ({ value: o.value, scriptPublicKey: o.scriptPublicKey, verboseData: null, covenant: null })));
    expect(r.storageMass).toBe(r.mass);
    expect((await client.call("getInfo")).mempoolSize).toBe(1);

    await nextTick();
    const carol = (await client.call("getUtxosByAddresses", { addresses: [CAROL] })).entries.map((e: any) => e.outpoint.transactionId);
    expect(carol).toContain(replacement.id);
    const bob = (await client.call("getUtxosByAddresses", { addresses: [BOB] })).entries.map((e: any) => e.outpoint.transactionId);
    expect(bob).not.toContain(original.id);
    expect(bob).not.toContain(child.id);
  });
});

describe("devnet.restart", () => {
  test("drops every socket and the mempool; the chain and UTXOs survive and the same transaction is accepted again", async () => {
    const watcher = await WsClient.connect(devnet.url);
    await nextTick();
    const coin = fund(devnet, ALICE, 2n * KAS);
    const payment = pay([coin], BOB, KAS, 300_000n);
    await submitter(watcher).accepted(payment);
    const daa = devnet.virtualDaaScore();
    await devnet.restart({ downMs: 50 });
    expect(await watcher.closed).toBe(1001);
    expect(devnet.mempoolSize()).toBe(0);

    const again = await WsClient.connect(devnet.url);
    try {
      expect((await again.call("getInfo")).mempoolSize).toBe(0);
      const utxos = (await again.call("getUtxosByAddresses", { addresses: [ALICE.address] })).entries.map((e: any) => e.outpoint.transactionId);
      expect(utxos).toContain(coin.outpoint.transactionId);
      expect(BigInt((await again.call("getServerInfo")).virtualDaaScore)).toBeGreaterThanOrEqual(daa);
      await submitter(again).accepted(payment);
    } finally {
      again.close();
    }
  });
});
