// The devnet over a real WebSocket: framing rules, every read method, subscriptions and notifications.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { WsClient } from "./wsClient.ts";
import { devAddress } from "./fixtures.ts";

let devnet: Devnet;
let client: WsClient;
const ADDRESS = devAddress(1);

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, bps: 20, maturity: 5 });
  client = await WsClient.connect(devnet.url);
});

afterAll(async () => {
  client.close();
  await devnet.stop();
});

describe("framing", () => {
  test("a reply echoes a u64 id above 2^53 exactly and names the method", async () => {
    const reply = await client.request("ping");
    expect(typeof reply.id).toBe("bigint");
    expect(reply.method).toBe("ping");
    expect(reply.params).toEqual({});
    expect(reply.error).toBeUndefined();
  });

  test("a known op without a handler is 'RPC method not found'", async () => {
    const reply = await client.request("notifyNewBlockTemplate");
    expect(reply.error).toEqual({ code: 0, message: "RPC method not found", data: null });
  });

  test("params of the wrong shape are 'request deserialization error'", async () => {
    const reply = await client.request("getBlockTemplate", { payAddress: 5, extraData: [] });
    expect(reply.error.message).toBe("request deserialization error");
    const bytes = await client.request("getBlockTemplate", { payAddress: ADDRESS, extraData: [256] });
    expect(bytes.error.message).toBe("request deserialization error");
  });

  test("a message without id gets no reply", async () => {
    client.sendRaw('{"method":"ping","params":{}}');
    const after = await client.request("ping");
    expect(after.method).toBe("ping");
  });

  test.each([
    ["bad JSON", "{nope"],
    ["an unknown method", '{"id":1,"method":"getEverything","params":{}}'],
    ["a string id", '{"id":"1","method":"ping","params":{}}'],
    ["missing params", '{"id":1,"method":"ping"}'],
  ])("%s drops the connection without a reply", async (_, text) => {
    const c = await WsClient.connect(devnet.url);
    c.sendRaw(text);
    await c.closed;
    await expect(c.request("ping")).rejects.toThrow();
  });
});

describe("node info", () => {
  test("getServerInfo", async () => {
    const p = await client.call("getServerInfo");
    expect(p).toMatchObject({ rpcApiVersion: 1, rpcApiRevision: 0, networkId: "devnet", hasUtxoIndex: true, isSynced: true });
    expect(BigInt(p.virtualDaaScore)).toBeGreaterThanOrEqual(500_000_000n);
  });

  test("getInfo, getCurrentNetwork, getSinkBlueScore, getFeeEstimate", async () => {
    expect(await client.call("getInfo")).toMatchObject({ isUtxoIndexed: true, isSynced: true, serverVersion: "2.0.1" });
    expect(await client.call("getCurrentNetwork")).toEqual({ network: "devnet" });
    expect(BigInt((await client.call("getSinkBlueScore")).blueScore)).toBeGreaterThan(0n);
    const fee = await client.call("getFeeEstimate");
    expect(fee.estimate.priorityBucket.feerate).toBe(100);
  });

  test("getBlockDagInfo reports difficulty in RPC units (share difficulty · 2^31)", async () => {
    const p = await client.call("getBlockDagInfo");
    expect(p.network).toBe("devnet");
    expect(p.difficulty).toBeCloseTo((1 / 16384) * 2 ** 31, 0);
    expect(p.sink).toMatch(/^[0-9a-f]{64}$/);
    expect(p.tipHashes).toEqual([p.sink]);
  });

  test("the network moves: DAA score grows between calls", async () => {
    const a = BigInt((await client.call("getServerInfo")).virtualDaaScore);
    await Bun.sleep(150);
    const b = BigInt((await client.call("getServerInfo")).virtualDaaScore);
    expect(b).toBeGreaterThan(a);
    expect(devnet.virtualDaaScore()).toBeGreaterThanOrEqual(b);
  });
});

describe("getBlockTemplate", () => {
  test("post-Toccata shape with the coinbase paying the requested address", async () => {
    const p = await client.call("getBlockTemplate", { payAddress: ADDRESS, extraData: [112, 111, 111, 108] });
    expect(p.isSynced).toBe(true);
    const { header, transactions } = p.block;
    expect(header.version).toBe(2);
    expect(header.parentsByLevel.length).toBeGreaterThan(1);
    expect(header.blueWork).toMatch(/^[0-9a-f]{48}$/);
    expect(header.nonce).toBe(0);
    const [coinbase, other] = transactions;
    expect(coinbase.subnetworkId).toBe("01" + "0".repeat(38));
    expect(coinbase.version).toBe(1);
    expect(coinbase.inputs).toEqual([]);
    expect(coinbase.outputs[0].value).toBe(244_997_148);
    expect(Buffer.from(coinbase.payload, "hex").toString("latin1")).toEndWith("2.0.1/pool");
    expect(other.version).toBe(1);
    expect(other.inputs[0].computeBudget).toBe(10);
    expect(other.inputs[0].sequence).toBe(18446744073709551615n);
    expect(other.outputs[1].covenant).not.toBeNull();
    expect(other.storageMass).toBe(other.mass);
  });

  test("a valid address of another network is refused like the node does", async () => {
    const reply = await client.request("getBlockTemplate", {
      payAddress: "kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva", extraData: [],
    });
    expect(reply.error.message).toBe("Invalid prefix kaspa");
  });

  test("too much extra data is refused with the node's text", async () => {
    const reply = await client.request("getBlockTemplate", { payAddress: ADDRESS, extraData: new Array(200).fill(1) });
    expect(reply.error.message).toBe("Coinbase payload is above max length (204). Try to shorten the extra data.");
  });
});

describe("subscriptions", () => {
  test("subscribe answers with the connection id and notifications follow", async () => {
    const c = await WsClient.connect(devnet.url);
    const sub = await c.call("subscribe", { NewBlockTemplate: {} });
    expect(typeof sub.id).toBe("number");
    await c.call("subscribe", { VirtualDaaScoreChanged: {} });
    const n = await c.notification("newBlockTemplateNotification");
    expect(n.params).toEqual({ NewBlockTemplate: {} });
    const d = await c.notification("virtualDaaScoreChangedNotification");
    expect(BigInt(d.params.VirtualDaaScoreChanged.virtualDaaScore)).toBeGreaterThan(500_000_000n);
    expect(await c.call("unsubscribe", { NewBlockTemplate: {} })).toEqual({});
    c.close();
  });

  test("a scope that is not a known variant is a deserialization error", async () => {
    const reply = await client.request("subscribe", { NewBlockTemplate: null });
    expect(reply.error.message).toBe("request deserialization error");
  });

  test("utxosChanged is filtered by address", async () => {
    const c = await WsClient.connect(devnet.url);
    const other = devAddress(2);
    await c.call("subscribe", { UtxosChanged: { addresses: [ADDRESS] } });
    devnet.fund(other, 5n);
    const funded = devnet.fund(ADDRESS, 7n);
    const n = await c.notification("utxosChangedNotification");
    expect(n.params.UtxosChanged.added).toEqual([
      { address: ADDRESS, outpoint: funded, utxoEntry: expect.objectContaining({ amount: 7, isCoinbase: false, covenantId: null }) },
    ]);
    const balance = await c.call("getBalanceByAddress", { address: ADDRESS });
    expect(balance.balance).toBe(7);
    const utxos = await c.call("getUtxosByAddresses", { addresses: [other] });
    expect(utxos.entries.map((e: any) => e.utxoEntry.amount)).toEqual([5]);
    c.close();
  });
});
