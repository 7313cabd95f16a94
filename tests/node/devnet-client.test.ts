// NodeClient against the devnet node simulator over real WebSockets: a post-Toccata template survives the round trip
// field for field, and a node restart on the same port ends in a reconnected, resubscribed client.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { silentLogger, type Logger } from "../../src/common/log.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { NodeClient } from "../../src/node/client.ts";
import { NodeUnavailableError } from "../../src/node/errors.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { build, fund, KAS, schnorrWallet } from "../devnet/txFixtures.ts";
import { NodeRpcError } from "../../src/node/errors.ts";
import { until } from "./scriptedNode.ts";

// Schnorr pubkey 01..20 on devnet (bech32 as in node-rpc.md §9).
const PAY_ADDRESS = "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889";
/** High enough that a fixed nonce misses the target (chance ~2^-52), so PoW is the only reason to reject. */
const HARD = 1e6;
const BOB = "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const cleanups: Array<() => Promise<void>> = [];

beforeAll(() => void process.on("unhandledRejection", onUnhandled));
afterEach(async () => {
  for (const stop of cleanups.splice(0).reverse()) await stop();
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A logger that keeps the devnet's "block rejected" reasons, which say which check a block failed. */
function rejections(): { log: Logger; reasons: string[] } {
  const reasons: string[] = [];
  const log: Logger = {
    ...silentLogger,
    info: (msg, fields) => void (msg === "block rejected" && reasons.push(String(fields?.reason))),
    child: () => log,
  };
  return { log, reasons };
}

async function devnet(opts: Parameters<typeof startDevnet>[0]): Promise<Devnet> {
  const d = await startDevnet({ port: 0, log: silentLogger, ...opts });
  cleanups.push(() => d.stop());
  return d;
}

async function connectedClient(url: string): Promise<NodeClient> {
  const c = new NodeClient({ urls: [url], log: silentLogger, requestTimeoutMs: 2000, reconnect: { minDelayMs: 20, maxDelayMs: 100 } });
  cleanups.push(() => c.close());
  c.start();
  await c.waitConnected(3000);
  return c;
}

/**
 * A WebSocket relay between the client and the devnet that records every frame as text and may rewrite frames on
 * their way to the client. It forwards bytes; it does not parse or re-serialise anything it passes on.
 */
function relay(upstreamUrl: string, down: (text: string) => string) {
  const toClient: string[] = [];
  const toNode: string[] = [];
  const sockets: WebSocket[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req, { data: { queue: [] as string[], up: null as WebSocket | null } }) ? undefined : new Response("", { status: 400 })),
    websocket: {
      data: {} as { queue: string[]; up: WebSocket | null },
      open(ws: ServerWebSocket<{ queue: string[]; up: WebSocket | null }>) {
        const up = new WebSocket(upstreamUrl);
        sockets.push(up);
        up.addEventListener("open", () => {
          for (const m of ws.data.queue.splice(0)) up.send(m);
          ws.data.up = up;
        });
        up.addEventListener("message", (ev) => {
          const text = down(String(ev.data));
          toClient.push(text);
          ws.send(text);
        });
        up.addEventListener("close", () => ws.close());
      },
      message(ws, data) {
        const text = String(data);
        toNode.push(text);
        if (ws.data.up) ws.data.up.send(text);
        else ws.data.queue.push(text);
      },
      close(ws) {
        ws.data.up?.close();
      },
    },
  });
  cleanups.push(async () => {
    for (const s of sockets) s.close();
    await server.stop(true);
  });
  return { url: `ws://127.0.0.1:${server.port}`, toClient, toNode };
}

describe("templates through the devnet", () => {
  test("an unmodified post-Toccata template with a wrong nonce fails only on proof of work; a dropped field is caught", async () => {
    const { log, reasons } = rejections();
    const d = await devnet({ difficulty: HARD, log });
    const c = await connectedClient(d.url);
    const { block, isSynced } = await c.getBlockTemplate(PAY_ADDRESS, "kaspool");
    expect(isSynced).toBe(true);
    expect(block.header.version).toBe(2);
    const [, filler] = block.transactions as Array<Record<string, any>>;
    expect(filler!.inputs[0].computeBudget).toBe(10);
    expect(filler!.outputs[1].covenant).not.toBeNull();

    expect(await c.submitBlock(block, 0x0123456789abcdefn)).toEqual({ accepted: false, rejectReason: "blockInvalid" });
    expect(reasons).toEqual(["block has invalid proof of work"]);

    // Control: the same block with one field the pool does not know removed, as a fixed-struct client would send it.
    const { devnetUnknownField: _dropped, ...header } = block.header;
    expect(await c.submitBlock({ ...block, header } as BlockTemplate, 1n)).toEqual({ accepted: false, rejectReason: "blockInvalid" });
    expect(reasons[1]).toBe("block.header.devnetUnknownField differs from the template");
  });

  test("submitBlock's outgoing JSON is the received template byte for byte except the nonce, injected unknown fields included", async () => {
    const { log, reasons } = rejections();
    const d = await devnet({ difficulty: HARD, log });
    const injectedHeader = '"kaspoolInjected":{"big":18446744073709551615,"list":[1.5,"x",null,true,{}]},';
    const injectedBlock = '"injectedTop":[12345678901234567890,-3],';
    const r = relay(d.url, (text) =>
      text.includes('"method":"getBlockTemplate"')
        ? text.replace('"params":{"block":{"header":{', `"params":{"block":{${injectedBlock}"header":{${injectedHeader}`)
        : text,
    );
    const c = await connectedClient(r.url);
    const { block } = await c.getBlockTemplate(PAY_ADDRESS);
    expect(block.injectedTop).toEqual([12345678901234567890n, -3]);

    const reply = r.toClient.find((t) => t.includes('"method":"getBlockTemplate"'))!;
    const start = reply.indexOf('"params":{"block":') + '"params":{"block":'.length;
    const end = reply.lastIndexOf(',"isSynced":');
    const received = reply.slice(start, end);
    expect(received).toContain(injectedHeader);
    expect(received.split('"nonce":0,')).toHaveLength(2);

    const nonce = 2n ** 64n - 1n;
    expect((await c.submitBlock(block, nonce)).accepted).toBe(false);
    const sent = r.toNode.find((t) => t.includes('"method":"submitBlock"'))!;
    const id = /^\{"id":(\d+),/.exec(sent)![1];
    expect(sent).toBe(`{"id":${id},"method":"submitBlock","params":{"block":${received.replace('"nonce":0,', `"nonce":${nonce},`)},"allowNonDAABlocks":false}}`);
    // The devnet served no such field, so it names the first difference it finds.
    expect(reasons[0]).toMatch(/^block\.(injectedTop|header\.kaspoolInjected) differs from the template$/);
  });
});

describe("node restart", () => {
  test("a devnet killed and restarted on the same port: the client reconnects and resubscribes with no unhandled rejection", async () => {
    const first = await devnet({ bps: 20 });
    const port = first.port;
    const c = await connectedClient(first.url);
    let templates = 0;
    await c.onNewBlockTemplate(() => templates++);
    await c.onVirtualDaaScoreChanged(() => {});
    await until(() => templates > 0, 3000, "a template notification before the restart");

    const events: string[] = [];
    c.on("disconnected", () => events.push("disconnected"));
    c.on("connected", () => events.push("connected"));
    const inflight = c.getBlockDagInfo().then(() => "answered", (e) => (e instanceof NodeUnavailableError ? "unavailable" : String(e)));
    await first.stop();
    await until(() => events.includes("disconnected"), 3000, "disconnected");
    expect(["answered", "unavailable"]).toContain(await inflight);
    await expect(c.getServerInfo()).rejects.toBeInstanceOf(NodeUnavailableError);

    await Bun.sleep(100); // the client retries against a closed port in the meantime
    const second = await devnet({ port, bps: 20 });
    await c.waitConnected(3000);
    const before = templates;
    await until(() => templates > before, 3000, "a template notification after the restart");
    expect(events).toEqual(["disconnected", "connected"]);
    expect((await c.getServerInfo()).networkId).toBe("devnet");
    expect(second.port).toBe(port);
  });
});

describe("payer methods through the devnet", () => {
  const alice = schnorrWallet(1);

  test("getFeeEstimate: the post-Toccata floor of 100 sompi per gram in every bucket", async () => {
    const c = await connectedClient((await devnet({})).url);
    const estimate = await c.getFeeEstimate();
    expect(estimate.priorityBucket.feerate).toBe(100);
    expect([...estimate.normalBuckets, ...estimate.lowBuckets].every((b) => b.feerate === 100 && b.estimatedSeconds > 0)).toBe(true);
  });

  test("submitTransactionReplacement and getVirtualChainFromBlock: the replacement confirms, the replaced comes back exact", async () => {
    // 2 BPS: the submissions below fit between two ticks, so the original is still in the mempool when replaced.
    const d = await devnet({ bps: 2 });
    const c = await connectedClient(d.url);
    const ticks: bigint[] = [];
    await c.onVirtualDaaScoreChanged((s) => void ticks.push(s));
    await until(() => ticks.length > 0, 3000, "a tick");
    const start = (await c.getBlockDagInfo()).sink;
    const before = ticks.length;
    await until(() => ticks.length > before, 3000, "a fresh tick");
    // An amount above 2^53 sompi must survive the round trip as a bigint.
    const big = 100_000_000n * KAS;
    const coin = fund(d, alice, big);
    const original = build([coin], [[BOB, big - KAS], [alice.address, KAS - 300_000n]]);
    expect(await c.submitTransaction(original.json)).toBe(original.id);
    await expect(c.submitTransactionReplacement(build([fund(d, alice, 2n * KAS)], [[BOB, KAS]]).json)).rejects.toThrow(
      /replace by fee found no double spending transaction in the mempool$/,
    );
    const replacement = build([coin], [[BOB, big - KAS], [alice.address, KAS - 600_000n]]);
    const replaced = await c.submitTransactionReplacement(replacement.json);
    expect(replaced.transactionId).toBe(replacement.id);
    const { storageMass, ...replacedTx } = replaced.replacedTransaction;
    expect(replacedTx).toEqual({
      ...original.tx,
      inputs: original.tx.inputs.map((i) => ({ ...i, computeBudget: 0 })),
      outputs: original.tx.outputs.map(({ covenant: _, ...o }) => o), // a null covenant is left out when parsed
    });
    expect(replacedTx.outputs[0]!.value).toBe(big - KAS);
    expect(storageMass).toBeGreaterThan(0n);

    const seen = ticks.length;
    await until(() => ticks.length > seen + 1, 3000, "two more ticks");
    const chain = await c.getVirtualChainFromBlock(start, true);
    expect(chain.removedChainBlockHashes).toEqual([]);
    expect(chain.acceptedTransactionIds.map((a) => a.acceptingBlockHash)).toEqual(chain.addedChainBlockHashes);
    const accepted = chain.acceptedTransactionIds.flatMap((a) => a.acceptedTransactionIds);
    expect(accepted).toContain(replacement.id);
    expect(accepted).not.toContain(original.id);
    expect((await c.getVirtualChainFromBlock(start, false, 1_000_000n)).addedChainBlockHashes).toEqual([]);
    await expect(c.getVirtualChainFromBlock("ab".repeat(32), true)).rejects.toBeInstanceOf(NodeRpcError);
  });
});
