// A found block whose submission fails in transit is not rejected: it is resubmitted and followed like any block.
// Real parts end to end: a TCP miner mines a block through stratum, scripted nodes speak the node's wRPC over real
// WebSockets (serving a template captured from the devnet), and accounting runs on both database backends.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { startPoolAccounting, type PoolAccounting } from "../../src/pool/index.ts";
import { startBlockResubmission } from "../../src/pool/resubmit.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";
import { testBackends, type TestBackend } from "../db/backends.ts";
import { ScriptedNode, until, type Script } from "../node/scriptedNode.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, POOL_ADDRESS, TestClient } from "../stratum/harness.ts";

const TIMEOUT_MS = 400;
const MINER = minerAddress(7);
const REWARD = 50_000_000_000n;
const HASH_HEX = "ab".repeat(32);

const tmp = mkdtempSync(join(tmpdir(), "kaspool-submit-"));
const backends = await testBackends("blocksubmit");
let template: BlockTemplate;

beforeAll(async () => {
  // A real template (valid header fields, a tiny target) taken from the devnet once and served by the scripted nodes.
  const devnet = await startDevnet({ port: 0, difficulty: 1e-7, bps: 1, log: silentLogger });
  const c = new NodeClient({ urls: [devnet.url], log: silentLogger });
  c.start();
  await c.waitConnected(3_000);
  template = (await c.getBlockTemplate(POOL_ADDRESS, "kaspool")).block;
  await c.close();
  await devnet.stop();
});

// One database per backend for the file, opened before the tests: PGlite is slow to open on a busy machine.
const databases = new Map<string, Database>();
beforeAll(async () => {
  for (const b of backends) databases.set(b.name, await openDatabase(b));
}, 120_000);

afterAll(async () => {
  for (const db of databases.values()) await db.close();
  for (const b of backends) await b.drop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A node that serves the captured template, follows blocks as told, and answers submitBlock with `submit`. */
function nodeScript(submit: Script[string], rewardInfo: () => object = () => ({ blockColor: "unknown" })): Script {
  return {
    getBlockTemplate: () => ({ params: { block: template, isSynced: true } }),
    getBlockDagInfo: () => ({
      params: {
        network: "devnet", blockCount: 10, headerCount: 10, tipHashes: [HASH_HEX], difficulty: 1, pastMedianTime: 0,
        virtualParentHashes: [HASH_HEX], pruningPointHash: HASH_HEX, virtualDaaScore: 100, sink: HASH_HEX,
      },
    }),
    getBlockRewardInfo: () => ({ params: rewardInfo() }),
    submitBlock: submit,
  };
}

const SUCCESS = () => ({ params: { report: { type: "success" } } });

interface Fixture {
  db: Database;
  accounting: PoolAccounting;
  stratum: Stratum;
  stop(): Promise<void>;
}

/** The pool as run.ts wires it: the template client on the first node, a block submitter on every node. */
async function startFixture(backend: TestBackend, name: string, nodes: ScriptedNode[], timeoutMs = TIMEOUT_MS): Promise<Fixture> {
  const urls = nodes.map((n) => n.url);
  const config = configSchema.parse({
    ...defaults,
    node: { urls, requestTimeoutMs: timeoutMs },
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536, vardiff: false, encoding: "auto" }] },
    treasury: { ...defaults.treasury, coinbaseMaturity: 10 },
  });
  const node = new NodeClient({ urls: [urls[0]!], requestTimeoutMs: timeoutMs, log: silentLogger, reconnect: { minDelayMs: 50, maxDelayMs: 100 } });
  node.start();
  await node.waitConnected(3_000);
  const submitter = new BlockSubmitter({ urls, requestTimeoutMs: timeoutMs, log: silentLogger });
  submitter.start();
  const db = databases.get(backend.name)!;
  // Every test mines the same block from the same template: start empty.
  for (const table of ["ledger", "block_windows", "blocks", "shares", "miners_balance", "wallet_total"]) await db.query(`DELETE FROM ${table}`);
  const accounting = await startPoolAccounting({
    db, node, config, log: silentLogger, spoolPath: join(tmp, `${backend.name}-${name}.spool`), pollMs: 50,
  });
  const resubmission = startBlockResubmission({ db, submitter, log: silentLogger, intervalMs: 50 });
  const stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger });
  return {
    db, accounting, stratum,
    async stop() {
      await stratum.stop();
      await resubmission.stop();
      await accounting.stop();
      await submitter.close();
      await node.close();
    },
  };
}

/** Mines one block through stratum; returns how long the share answer took and the answer. */
async function mineBlock(port: number): Promise<{ ms: number; reply: Record<string, any> }> {
  const c = await TestClient.connect(port);
  const user = `${MINER}.rig`;
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  await c.reply(c.send("mining.authorize", [user, "x"]));
  let extranonce = "";
  let notify: Record<string, any>;
  for (;;) {
    const m = await c.message(15_000);
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") {
      notify = m;
      break;
    }
  }
  // The network target is far easier than the share target, so every valid share is a block.
  const nonce = mine(jobFromNotify(notify, "words"), 1 / 65536, extranonce);
  const started = Date.now();
  const reply = await c.reply(c.send("mining.submit", [user, notify.params[0], nonceHex(nonce).slice(extranonce.length)]), 10_000);
  const ms = Date.now() - started;
  c.close();
  return { ms, reply };
}

async function blockRow(db: Database): Promise<Record<string, any> | undefined> {
  const [row] = await db.query<Record<string, any>>("SELECT hash, status, reject_reason FROM blocks");
  return row;
}

async function waitStatus(f: Fixture, status: string, timeoutMs = 8_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await blockRow(f.db);
    if (row?.status === status) return row;
    if (Date.now() > deadline) throw new Error(`block is ${row?.status ?? "not recorded"}, expected ${status}`);
    await Bun.sleep(50);
  }
}

const submittedBlocks = (n: ScriptedNode) => n.framesOf("submitBlock").map((f) => f.raw.slice(f.raw.indexOf('"block":')));

for (const backend of backends) {
  describe(backend.name, () => {
    test("a submission the node never answers is not rejected: the block is followed and credited when the node places it", async () => {
      let placed = false;
      const node = new ScriptedNode(nodeScript(() => "silent", () => (placed
        ? { blockColor: "blue", confirmationCount: 20, mergingChainBlockHash: HASH_HEX, rewardAmount: REWARD }
        : { blockColor: "unknown" }))).start();
      const f = await startFixture(backend, "silent", [node]);
      try {
        const { ms, reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        // Bounded by the request timeout, not by the silent node.
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
        expect((await waitStatus(f, "confirming")).reject_reason).toBeNull();
        await until(() => node.framesOf("submitBlock").length >= 2, 5_000, "a resubmission");
        placed = true;
        const row = await waitStatus(f, "credited");
        const ledger = await f.db.query<{ amount: string }>("SELECT amount::text AS amount FROM ledger WHERE block_hash = $1", [row.hash]);
        expect(ledger.length).toBeGreaterThan(0);
        expect(ledger.reduce((s, r) => s + BigInt(r.amount), 0n)).toBe(REWARD);
        // Every resubmission was the same block, byte for byte, and they stop once the block is settled.
        expect(new Set(submittedBlocks(node)).size).toBe(1);
        await until(async () => (await pendingCount(f)) === 0, 5_000, "the settled block to leave resubmission");
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("a socket dropped during submitBlock: the same block is resubmitted once the node is back and counts as accepted", async () => {
      const node = new ScriptedNode(nodeScript(() => {
        setTimeout(() => void node.stop(), 0);
        return "silent";
      })).start();
      const port = node.port;
      const f = await startFixture(backend, "drop", [node]);
      try {
        const { reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        const first = submittedBlocks(node);
        expect(first).toHaveLength(1);
        expect((await waitStatus(f, "confirming")).reject_reason).toBeNull();
        // Back on the same port; it has the block already, and says so the way rusty-kaspa does: success.
        const back = new ScriptedNode(nodeScript(SUCCESS), port).start();
        try {
          await until(() => back.framesOf("submitBlock").length >= 1, 5_000, "resubmission");
          expect(submittedBlocks(back)[0]).toBe(first[0]!);
          await until(async () => (await pendingCount(f)) === 0, 5_000, "the resubmission to be settled");
          expect((await blockRow(f.db))!.status).toBe("confirming");
        } finally {
          await back.stop();
        }
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("an explicit reject is a rejection, with the node's reason", async () => {
      const node = new ScriptedNode(nodeScript(() => ({ params: { report: { type: "reject", reason: "blockInvalid" } } }))).start();
      const f = await startFixture(backend, "reject", [node]);
      try {
        expect((await mineBlock(f.stratum.ports[0]!)).reply.result).toBe(true);
        expect(await waitStatus(f, "rejected")).toMatchObject({ reject_reason: "blockInvalid" });
        await Bun.sleep(300);
        expect(node.framesOf("submitBlock")).toHaveLength(1);
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("two nodes, one silent and one accepting: the block is accepted at once", async () => {
      const dead = new ScriptedNode(nodeScript(() => "silent")).start();
      const live = new ScriptedNode(nodeScript(SUCCESS)).start();
      // A long timeout, so an answer well within it can only be the live node's.
      const f = await startFixture(backend, "two", [dead, live], 8_000);
      try {
        const { ms, reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        expect(ms).toBeLessThan(4_000);
        expect(live.framesOf("submitBlock")).toHaveLength(1);
        expect(dead.framesOf("submitBlock")).toHaveLength(1);
        await waitStatus(f, "confirming");
        expect(await pendingCount(f)).toBe(0);
      } finally {
        await f.stop();
        await dead.stop();
        await live.stop();
      }
    }, 60_000);
  });
}


async function pendingCount(f: Fixture): Promise<number> {
  return (await f.db.query("SELECT 1 FROM blocks WHERE pending_block IS NOT NULL")).length;
}
