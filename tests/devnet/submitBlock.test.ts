// submitBlock against served templates: only the nonce may change, the PoW must meet the target, and an accepted
// block is colored and paid when the next chain block merges it.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { blockHash, parseHeader } from "../../src/kaspa/header.ts";
import { devAddress } from "./fixtures.ts";
import { findNonce } from "./mining.ts";
import { WsClient } from "./wsClient.ts";

// Difficulty 2^-20: a block takes ~4096 hashes, so tests mine in milliseconds.
const DIFFICULTY = 2 ** -20;
const ADDRESS = devAddress(3);
const SUBSIDY = 244_997_148n;

async function template(c: WsClient, payAddress = ADDRESS): Promise<any> {
  return (await c.call("getBlockTemplate", { payAddress, extraData: [] })).block;
}

async function submit(c: WsClient, block: unknown): Promise<string> {
  const p = await c.call("submitBlock", { block, allowNonDAABlocks: false });
  return p.report.type === "success" ? "success" : p.report.reason;
}

function solved(block: any): any {
  const copy = structuredClone(block);
  copy.header.nonce = findNonce(copy.header, "valid");
  return copy;
}

describe("submitBlock field and PoW checks", () => {
  let devnet: Devnet;
  let c: WsClient;
  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, bps: 10, difficulty: DIFFICULTY });
    c = await WsClient.connect(devnet.url);
  });
  afterAll(async () => {
    c.close();
    await devnet.stop();
  });

  test("a correctly mined block is accepted once; resubmitting it is a success without a second entry", async () => {
    const block = solved(await template(c));
    expect(await submit(c, block)).toBe("success");
    const hash = blockHash(parseHeader(block.header));
    expect(devnet.acceptedBlocks().map((b) => b.hash)).toEqual([hash]);
    expect(await submit(c, block)).toBe("success");
    expect(devnet.acceptedBlocks()).toHaveLength(1);
    expect(devnet.acceptedBlocks()[0]).toMatchObject({ payAddress: ADDRESS, color: "blue", reward: SUBSIDY });
  });

  test("a block resubmitted after its template was forgotten is still a success, as rusty-kaspa answers a known block", async () => {
    const block = solved(await template(c));
    expect(await submit(c, block)).toBe("success");
    // The devnet remembers the last 4,096 served templates; distinct extra data makes each one new.
    const extra = (i: number) => [...new TextEncoder().encode(String(i))];
    for (let i = 0; i < 4_100; i += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, k) => c.call("getBlockTemplate", { payAddress: ADDRESS, extraData: extra(i + k) })));
    }
    const forgotten = structuredClone(block);
    forgotten.header.nonce = BigInt(block.header.nonce) + 1n;
    expect(await submit(c, forgotten)).toBe("blockInvalid");
    expect(await submit(c, block)).toBe("success");
    expect(devnet.acceptedBlocks().filter((b) => b.hash === blockHash(parseHeader(block.header)))).toHaveLength(1);
  }, 20_000);

  test("bad PoW is rejected", async () => {
    const block = await template(c);
    block.header.nonce = findNonce(block.header, "invalid");
    expect(await submit(c, block)).toBe("blockInvalid");
  });

  test("a changed transaction storageMass is rejected even with valid PoW", async () => {
    const block = solved(await template(c));
    block.transactions[1].storageMass += 1;
    expect(await submit(c, block)).toBe("blockInvalid");
  });

  test("a dropped unknown header field is rejected", async () => {
    const block = solved(await template(c));
    const unknown = Object.keys(block.header).find((k) => k.startsWith("devnet"))!;
    delete block.header[unknown];
    expect(await submit(c, block)).toBe("blockInvalid");
  });

  test("a changed timestamp is rejected even when mined for the new timestamp", async () => {
    const block = await template(c);
    block.header.timestamp += 1;
    block.header.nonce = findNonce(block.header, "valid");
    expect(await submit(c, block)).toBe("blockInvalid");
  });

  test("a u64 rounded through a JS number is rejected", async () => {
    const block = solved(await template(c));
    block.transactions[1].inputs[0].sequence = Number(block.transactions[1].inputs[0].sequence);
    expect(await submit(c, block)).toBe("blockInvalid");
  });

  test("a block that is not a block is a deserialization error", async () => {
    const reply = await c.request("submitBlock", { block: 5, allowNonDAABlocks: false });
    expect(reply.error.message).toBe("request deserialization error");
  });
});

describe("colors, rewards and maturity", () => {
  let devnet: Devnet;
  let c: WsClient;
  beforeAll(async () => {
    // Slow ticks so a block is still unmerged right after submission.
    devnet = await startDevnet({ port: 0, bps: 4, difficulty: DIFFICULTY, maturity: 2 });
    c = await WsClient.connect(devnet.url);
  });
  afterAll(async () => {
    c.close();
    await devnet.stop();
  });

  test("a blue block: unknown until merged, then blue, paid as a coinbase UTXO", async () => {
    const address = devAddress(4);
    await c.call("subscribe", { UtxosChanged: { addresses: [address] } });
    const block = solved(await template(c, address));
    expect(await submit(c, block)).toBe("success");
    const hash = blockHash(parseHeader(block.header));

    const early = await c.request("getCurrentBlockColor", { hash });
    expect(early.error.message).toBe(`Block ${hash} doesn't have any merger block.`);
    const pending = await c.call("getBlockRewardInfo", { hash });
    expect(pending).toMatchObject({ blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null });
    expect(pending.header.hash).toBe(hash);

    const n = await c.notification("utxosChangedNotification");
    const [entry] = n.params.UtxosChanged.added;
    expect(entry.address).toBe(address);
    expect(BigInt(entry.utxoEntry.amount)).toBe(SUBSIDY);
    expect(entry.utxoEntry.isCoinbase).toBe(true);

    expect(await c.call("getCurrentBlockColor", { hash })).toEqual({ blue: true });
    const info = await c.call("getBlockRewardInfo", { hash });
    expect(info.blockColor).toBe("blue");
    expect(BigInt(info.rewardAmount)).toBe(SUBSIDY);
    expect(info.mergingChainBlockHash).toMatch(/^[0-9a-f]{64}$/);
    await Bun.sleep(600);
    const later = await c.call("getBlockRewardInfo", { hash });
    expect(BigInt(later.confirmationCount)).toBeGreaterThan(BigInt(info.confirmationCount));

    const got = await c.call("getBlock", { hash, includeTransactions: true });
    expect(got.block.header.hash).toBe(hash);
    expect(got.block.transactions).toHaveLength(block.transactions.length);
    expect(got.block.verboseData.childrenHashes).toEqual([info.mergingChainBlockHash]);
  });
});

describe("red blocks", () => {
  test("with red ratio 1 a block is red, has no reward and pays nothing", async () => {
    const devnet = await startDevnet({ port: 0, bps: 20, difficulty: DIFFICULTY, redRatio: 1 });
    const c = await WsClient.connect(devnet.url);
    try {
      const address = devAddress(5);
      const block = solved(await template(c, address));
      expect(await submit(c, block)).toBe("success");
      const hash = blockHash(parseHeader(block.header));
      await Bun.sleep(200);
      expect(await c.call("getCurrentBlockColor", { hash })).toEqual({ blue: false });
      const info = await c.call("getBlockRewardInfo", { hash });
      expect(info).toMatchObject({ blockColor: "red", rewardAmount: null });
      expect((await c.call("getUtxosByAddresses", { addresses: [address] })).entries).toEqual([]);
      expect(devnet.acceptedBlocks()[0]).toMatchObject({ color: "red", reward: 0n });
    } finally {
      c.close();
      await devnet.stop();
    }
  });
});
