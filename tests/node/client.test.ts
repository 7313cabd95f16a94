// NodeClient against a real WebSocket server speaking the node's framing: requests, errors, timeouts, notifications,
// subscriptions, reconnect and failover.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { NodeClient, type NodeClientOptions } from "../../src/node/client.ts";
import { NodeRpcError, NodeTimeoutError, NodeUnavailableError } from "../../src/node/errors.ts";
import type { BlockTemplate, UtxosChange } from "../../src/node/types.ts";
import { type Script, ScriptedNode, until } from "./scriptedNode.ts";

const ADDRESS_A = "kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva";
const ADDRESS_B = "kaspa:qp0l70zd5x85ttwd6jv7g3s3a8llzj96d8dncn4zmhv4tlzx5k2jyqh70xmfj";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const nodes: ScriptedNode[] = [];
const clients: NodeClient[] = [];

beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

function node(script: Script = {}, port = 0): ScriptedNode {
  const n = new ScriptedNode(script, port).start();
  nodes.push(n);
  return n;
}

function client(urls: string[], extra: Partial<NodeClientOptions> = {}): NodeClient {
  const c = new NodeClient({ urls, log: silentLogger, requestTimeoutMs: 1000, reconnect: { minDelayMs: 20, maxDelayMs: 80 }, ...extra });
  clients.push(c);
  return c;
}

async function connected(urls: string[], extra: Partial<NodeClientOptions> = {}): Promise<NodeClient> {
  const c = client(urls, extra);
  c.start();
  await c.waitConnected(2000);
  return c;
}

async function deadUrl(): Promise<string> {
  const n = new ScriptedNode().start();
  await n.stop();
  return n.url;
}

describe("requests", () => {
  test("sends {id, method, params} with bare integer ids and decodes u64 replies above 2^53 exactly", async () => {
    const n = node({
      getServerInfo: () => ({
        params: { rpcApiVersion: 1, rpcApiRevision: 0, serverVersion: "2.0.1", networkId: "mainnet", hasUtxoIndex: true, isSynced: true, virtualDaaScore: 2n ** 63n + 7n },
      }),
    });
    const c = await connected([n.url]);
    const info = await c.getServerInfo();
    expect(info).toEqual({ rpcApiVersion: 1, serverVersion: "2.0.1", networkId: "mainnet", hasUtxoIndex: true, isSynced: true, virtualDaaScore: 2n ** 63n + 7n });
    const [frame] = n.framesOf("getServerInfo");
    expect(frame!.raw).toMatch(/^\{"id":\d+,"method":"getServerInfo","params":\{\}\}$/);
  });

  test("an error reply rejects with NodeRpcError carrying the node's message", async () => {
    const n = node({ getUtxosByAddresses: () => ({ error: "Method unavailable. Run the node with the --utxoindex argument." }) });
    const c = await connected([n.url]);
    const err = await c.getUtxosByAddresses([ADDRESS_A]).catch((e) => e);
    expect(err).toBeInstanceOf(NodeRpcError);
    expect(err.message).toBe("Method unavailable. Run the node with the --utxoindex argument.");
    expect(err.method).toBe("getUtxosByAddresses");
  });

  test("a reply of the wrong shape rejects with NodeRpcError naming the field", async () => {
    const n = node({ getBlockRewardInfo: () => ({ params: { blockColor: true } }) });
    const c = await connected([n.url]);
    await expect(c.getBlockRewardInfo("00".repeat(32))).rejects.toThrow("malformed getBlockRewardInfo reply: blockColor is not a string");
  });

  test("a request the node never answers times out, and the connection keeps working", async () => {
    const n = node({
      getBlockDagInfo: () => "silent",
      getBlockRewardInfo: () => ({ params: { blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null } }),
    });
    const c = await connected([n.url], { requestTimeoutMs: 150 });
    const err = await c.getBlockDagInfo().catch((e) => e);
    expect(err).toBeInstanceOf(NodeTimeoutError);
    expect(err).toBeInstanceOf(NodeUnavailableError);
    expect((await c.getBlockRewardInfo("ab".repeat(32))).blockColor).toBe("unknown");
    expect(n.framesOf("getBlockRewardInfo")[0]!.params).toEqual({ hash: "ab".repeat(32) });
  });

  test("requests while not connected reject with NodeUnavailableError", async () => {
    const c = client([await deadUrl()]);
    await expect(c.request("getInfo")).rejects.toBeInstanceOf(NodeUnavailableError);
    c.start();
    await expect(c.getServerInfo()).rejects.toBeInstanceOf(NodeUnavailableError);
    await expect(c.waitConnected(100)).rejects.toThrow("no node connection within 100 ms");
  });

  test("a disconnect mid-request rejects that request and emits disconnected", async () => {
    const n = node({ getBlock: () => "silent" });
    const c = await connected([n.url]);
    const lost: string[] = [];
    c.on("disconnected", (url) => lost.push(url));
    const pending = c.getBlock("cd".repeat(32), true).catch((e) => e);
    await until(() => n.framesOf("getBlock").length === 1);
    await n.stop();
    expect(await pending).toBeInstanceOf(NodeUnavailableError);
    await until(() => lost.length === 1);
    expect(lost).toEqual([n.url]);
    expect(c.connected).toBe(false);
  });

  test("malformed frames and replies to unknown ids are ignored", async () => {
    const n = node({ getFeeEstimate: () => ({ params: { estimate: { priorityBucket: { feerate: 100.5, estimatedSeconds: 0.004 }, normalBuckets: [], lowBuckets: [{ feerate: 100, estimatedSeconds: 3 }] } } }) });
    const c = await connected([n.url]);
    n.sendRaw("this is not json");
    n.sendRaw("[1,2,3]");
    n.sendRaw('{"id":"seven","method":"ping","params":{}}');
    n.sendRaw('{"id":99999999999999999999,"method":"ping","params":{}}');
    n.sendRaw('{"method":"virtualDaaScoreChangedNotification","params":"garbage"}');
    n.sendRaw('{"method":"someFutureNotification","params":{"SomeFuture":{}}}');
    expect(await c.getFeeEstimate()).toEqual({
      priorityBucket: { feerate: 100.5, estimatedSeconds: 0.004 },
      normalBuckets: [],
      lowBuckets: [{ feerate: 100, estimatedSeconds: 3 }],
    });
    expect(c.connected).toBe(true);
  });
});

describe("typed methods on the wire", () => {
  test("getBlockTemplate sends extraData as UTF-8 byte numbers; submitBlock echoes the template byte for byte except the nonce", async () => {
    // Compact JSON in the node's key order, with post-Toccata and unknown fields and u64 values above 2^53.
    const templateText =
      '{"header":{"version":2,"parentsByLevel":[["' + "11".repeat(32) + '"]],"hashMerkleRoot":"' + "22".repeat(32) +
      '","acceptedIdMerkleRoot":"' + "33".repeat(32) + '","utxoCommitment":"' + "44".repeat(32) +
      '","timestamp":1782835200123,"bits":453326105,"nonce":0,"daaScore":474201337,"blueWork":"0000000000000000000000000000003a1b2c3d4e5f607182",' +
      '"blueScore":421337000,"pruningPoint":"' + "55".repeat(32) + '","futureHeaderField":{"x":[1,2]}},' +
      '"transactions":[{"version":1,"inputs":[],"outputs":[{"value":18446744073709551615,"scriptPublicKey":"000020' + "66".repeat(32) +
      'ac","verboseData":null,"covenant":{"authorizingInput":0,"covenantId":"' + "77".repeat(32) + '"}}],"lockTime":0,' +
      '"subnetworkId":"0100000000000000000000000000000000000000","gas":0,"payload":"abcd","storageMass":0,"mass":0,"computeBudget":3,"verboseData":null}],' +
      '"unknownBlockField":[true,null,"x"]}';
    const n = node({ submitBlock: () => ({ params: { report: { type: "reject", reason: "blockInvalid" } } }) });
    n.script.getBlockTemplate = () => "silent";
    const c = await connected([n.url]);
    const templatePromise = c.getBlockTemplate(ADDRESS_A, "pool/ü");
    await until(() => n.framesOf("getBlockTemplate").length === 1);
    const request = n.framesOf("getBlockTemplate")[0]!;
    expect(request.params).toEqual({ payAddress: ADDRESS_A, extraData: [112, 111, 111, 108, 47, 195, 188] });
    n.sendRaw(`{"id":${request.id},"method":"getBlockTemplate","params":{"block":${templateText},"isSynced":true}}`);
    const { block, isSynced } = await templatePromise;
    expect(isSynced).toBe(true);

    const nonce = 2n ** 64n - 2n;
    expect(await c.submitBlock(block, nonce)).toEqual({ accepted: false, rejectReason: "blockInvalid" });
    const submit = n.framesOf("submitBlock")[0]!;
    const expectedBlock = templateText.replace('"nonce":0,', `"nonce":${nonce},`);
    expect(submit.raw).toBe(`{"id":${submit.id},"method":"submitBlock","params":{"block":${expectedBlock},"allowNonDAABlocks":false}}`);
    expect(block.header.nonce).toBe(0); // the cached template is not modified
  });

  test("submitBlock success, getBlockRewardInfo, getUtxosByAddresses and submitTransaction decode the node's shapes", async () => {
    const entry = {
      address: ADDRESS_A,
      outpoint: { transactionId: "6e".repeat(32), index: 3 },
      utxoEntry: { amount: 9007199254740993n, scriptPublicKey: "000020" + "dd".repeat(32) + "ac", blockDaaScore: 474201337, isCoinbase: true, covenantId: null },
    };
    const n = node({
      submitBlock: () => ({ params: { report: { type: "success" } } }),
      getBlockRewardInfo: (p) =>
        p.hash === "aa".repeat(32)
          ? { params: { header: {}, blockColor: "blue", confirmationCount: 42, mergingChainBlockHash: "bb".repeat(32), rewardAmount: 1929000000 } }
          : { params: { header: {}, blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null } },
      getUtxosByAddresses: () => ({ params: { entries: [entry] } }),
      submitTransaction: () => ({ params: { transactionId: "ef".repeat(32) } }),
    });
    const c = await connected([n.url]);
    expect(await c.submitBlock({ header: { nonce: 0 }, transactions: [] }, 5n)).toEqual({ accepted: true, rejectReason: null });
    expect(await c.getBlockRewardInfo("aa".repeat(32))).toEqual({ blockColor: "blue", confirmationCount: 42n, mergingChainBlockHash: "bb".repeat(32), rewardAmount: 1929000000n });
    expect(await c.getBlockRewardInfo("cc".repeat(32))).toEqual({ blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null });
    const [utxo] = await c.getUtxosByAddresses([ADDRESS_A]);
    expect(utxo!.utxoEntry.amount).toBe(9007199254740993n);
    expect(utxo!.utxoEntry.blockDaaScore).toBe(474201337n);
    const tx = { version: 0, inputs: [], outputs: [{ value: 2n ** 60n, scriptPublicKey: "00" }], storageMass: 0 };
    expect(await c.submitTransaction(tx)).toBe("ef".repeat(32));
    const sent = n.framesOf("submitTransaction")[0]!;
    expect(sent.raw).toContain(`"params":{"transaction":{"version":0,"inputs":[],"outputs":[{"value":${2n ** 60n},"scriptPublicKey":"00"}],"storageMass":0},"allowOrphan":false}`);
    expect(n.framesOf("getBlockRewardInfo")[0]!.params).toEqual({ hash: "aa".repeat(32) });
  });
});

describe("subscriptions", () => {
  test("notifications reach only matching subscribers; unsubscribing tells the node", async () => {
    const n = node();
    const c = await connected([n.url]);
    let templates = 0;
    const scores: bigint[] = [];
    const changes: UtxosChange[] = [];
    const stopTemplates = await c.onNewBlockTemplate(() => templates++);
    await c.onNewBlockTemplate(() => {
      throw new Error("a broken subscriber must not stop the others");
    });
    await c.onVirtualDaaScoreChanged((s) => scores.push(s));
    await c.onUtxosChanged([ADDRESS_A], (ch) => changes.push(ch));
    expect(n.framesOf("subscribe").map((f) => f.raw.replace(/"id":\d+/, '"id":0'))).toEqual([
      '{"id":0,"method":"subscribe","params":{"NewBlockTemplate":{}}}',
      '{"id":0,"method":"subscribe","params":{"VirtualDaaScoreChanged":{}}}',
      `{"id":0,"method":"subscribe","params":{"UtxosChanged":{"addresses":["${ADDRESS_A}"]}}}`,
    ]);

    const utxo = (address: string) => ({
      address,
      outpoint: { transactionId: "01".repeat(32), index: 0 },
      utxoEntry: { amount: 5n, scriptPublicKey: "0000", blockDaaScore: 1, isCoinbase: false, covenantId: null },
    });
    n.notify("newBlockTemplateNotification", { NewBlockTemplate: {} });
    n.notify("virtualDaaScoreChangedNotification", { VirtualDaaScoreChanged: { virtualDaaScore: 2n ** 62n + 1n } });
    n.notify("utxosChangedNotification", { UtxosChanged: { added: [utxo(ADDRESS_B)], removed: [] } });
    n.notify("utxosChangedNotification", { UtxosChanged: { added: [utxo(ADDRESS_A), utxo(ADDRESS_B)], removed: [utxo(ADDRESS_A)] } });
    await until(() => changes.length === 1 && scores.length === 1 && templates === 1);
    expect(scores).toEqual([2n ** 62n + 1n]);
    expect(changes[0]!.added.map((e) => e.address)).toEqual([ADDRESS_A]);
    expect(changes[0]!.removed.map((e) => e.utxoEntry.amount)).toEqual([5n]);

    await stopTemplates();
    expect(n.framesOf("unsubscribe")).toHaveLength(0); // the second template subscriber is still there
    n.notify("newBlockTemplateNotification", { NewBlockTemplate: {} });
    await c.getServerInfo().catch(() => undefined); // a round trip, so the notification above has been processed
    expect(templates).toBe(1);
  });

  test("a subscription the node refuses rejects with NodeRpcError and is not kept", async () => {
    const n = node({ subscribe: (p) => ("UtxosChanged" in p ? { error: "Method unavailable. Run the node with the --utxoindex argument." } : { params: { id: 1 } }) });
    const c = await connected([n.url]);
    await expect(c.onUtxosChanged([ADDRESS_A], () => {})).rejects.toBeInstanceOf(NodeRpcError);
    await expect(c.onUtxosChanged([], () => {})).rejects.toThrow("at least one address");
    const stop = await c.onNewBlockTemplate(() => {});
    await stop();
    expect(n.framesOf("unsubscribe").map((f) => f.params)).toEqual([{ NewBlockTemplate: {} }]);
  });

  test("subscriptions made before connecting are sent on connect, before 'connected' is emitted", async () => {
    const n = node();
    const c = client([n.url]);
    let templates = 0;
    await c.onNewBlockTemplate(() => templates++);
    const subscribedAtConnect: number[] = [];
    c.on("connected", () => subscribedAtConnect.push(n.framesOf("subscribe").length));
    c.start();
    await c.waitConnected(2000);
    expect(subscribedAtConnect).toEqual([1]);
    n.notify("newBlockTemplateNotification", { NewBlockTemplate: {} });
    await until(() => templates === 1);
  });
});

describe("reconnect and failover", () => {
  test("after the node restarts on the same port the client reconnects and resubscribes before 'connected'", async () => {
    const first = node();
    const c = await connected([first.url]);
    let templates = 0;
    await c.onNewBlockTemplate(() => templates++);
    await c.onUtxosChanged([ADDRESS_A, ADDRESS_B], () => {});
    const events: string[] = [];
    c.on("disconnected", () => events.push("disconnected"));
    const port = first.port;
    await first.stop();
    await until(() => events.length === 1, 2000, "disconnected");

    const second = node({}, port);
    c.on("connected", () => events.push(`connected after ${second.framesOf("subscribe").length} subscribes`));
    await c.waitConnected(3000);
    expect(events).toEqual(["disconnected", "connected after 2 subscribes"]);
    expect(second.framesOf("subscribe").map((f) => f.params)).toEqual([
      { NewBlockTemplate: {} },
      { UtxosChanged: { addresses: [ADDRESS_A, ADDRESS_B] } },
    ]);
    second.notify("newBlockTemplateNotification", { NewBlockTemplate: {} });
    await until(() => templates === 1);
  });

  test("fails over to the next url when the current one is down", async () => {
    const dead = await deadUrl();
    const alive = node({ getServerInfo: () => ({ params: { rpcApiVersion: 1, serverVersion: "b", networkId: "devnet", hasUtxoIndex: true, isSynced: true, virtualDaaScore: 1 } }) });
    const c = client([dead, alive.url]);
    const urls: string[] = [];
    c.on("connected", (url) => urls.push(url));
    c.start();
    await c.waitConnected(2000);
    expect(urls).toEqual([alive.url]);
    expect((await c.getServerInfo()).serverVersion).toBe("b");

    // The second node goes away and the first comes up on its old port: the client moves back.
    const firstPort = Number(new URL(dead).port);
    await alive.stop();
    const revived = node({}, firstPort);
    await until(() => urls.length === 2, 3000, "second connect");
    expect(urls[1]).toBe(revived.url);
  });

  test("a url that accepts TCP but never completes the WebSocket handshake is given up on after the timeout", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const alive = node();
      const c = client([`ws://127.0.0.1:${silent.port}`, alive.url], { requestTimeoutMs: 150 });
      const started = Date.now();
      c.start();
      await c.waitConnected(2000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(alive.connections).toBe(1);
    } finally {
      silent.stop(true);
    }
  });

  test("close() rejects pending requests, stops reconnecting and is final", async () => {
    const n = node({ getBlockDagInfo: () => "silent" });
    const c = await connected([n.url]);
    const pending = c.getBlockDagInfo().catch((e) => e);
    await until(() => n.framesOf("getBlockDagInfo").length === 1);
    await c.close();
    const err = await pending;
    expect(err).toBeInstanceOf(NodeUnavailableError);
    expect(err.message).toStartWith("node client closed");
    expect(c.connected).toBe(false);
    await expect(c.waitConnected()).rejects.toBeInstanceOf(NodeUnavailableError);
    await Bun.sleep(150);
    expect(n.connections).toBe(1);
    c.start();
    await Bun.sleep(50);
    expect(n.connections).toBe(1);
  });
});
