// The pool wired as run.ts wires it, on scripted nodes that speak the node's wRPC over real WebSockets and serve a
// template captured from the devnet, with accounting on both database backends and a TCP miner that mines blocks
// through stratum. For tests of what the pool does with a node's answer to submitBlock.

import { afterAll, beforeAll } from "bun:test";
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
import type { ScriptedNode, Script } from "../node/scriptedNode.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, POOL_ADDRESS, TestClient } from "../stratum/harness.ts";

export const MINER = minerAddress(7);
export const HASH_HEX = "ab".repeat(32);

export interface ScriptedPool {
  db: Database;
  node: NodeClient;
  submitter: BlockSubmitter;
  accounting: PoolAccounting;
  resubmission: { stop(): Promise<void> };
  stratum: Stratum;
  /** Stops everything, stratum first and the node connections last. */
  stop(): Promise<void>;
}

export interface ScriptedPoolSuite {
  readonly backends: TestBackend[];
  /** A node script serving the captured template, following blocks as `rewardInfo` says, answering submitBlock with `submit`. */
  nodeScript(submit: Script[string], rewardInfo?: () => object): Script;
  /** Starts the pool on `nodes` with the backend's database emptied: every test mines the same block. */
  start(backend: TestBackend, name: string, nodes: ScriptedNode[], requestTimeoutMs: number): Promise<ScriptedPool>;
}

/** Captures the template and opens one database per backend before the file's tests; cleans up after them. */
export async function scriptedPoolSuite(prefix: string): Promise<ScriptedPoolSuite> {
  const tmp = mkdtempSync(join(tmpdir(), `kaspool-${prefix}-`));
  const backends = await testBackends(prefix);
  const databases = new Map<string, Database>();
  let template: BlockTemplate;

  beforeAll(async () => {
    // A real template (valid header fields, a tiny target) taken from the devnet once.
    const devnet = await startDevnet({ port: 0, difficulty: 1e-7, bps: 1, log: silentLogger });
    const c = new NodeClient({ urls: [devnet.url], log: silentLogger });
    c.start();
    await c.waitConnected(3_000);
    template = (await c.getBlockTemplate(POOL_ADDRESS, "kaspool")).block;
    await c.close();
    await devnet.stop();
  });
  // Opened before the tests: PGlite is slow to open on a busy machine.
  beforeAll(async () => {
    for (const b of backends) databases.set(b.name, await openDatabase(b));
  }, 120_000);
  afterAll(async () => {
    for (const db of databases.values()) await db.close();
    for (const b of backends) await b.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  return {
    backends,
    nodeScript: (submit, rewardInfo = () => ({ blockColor: "unknown" })) => ({
      getBlockTemplate: () => ({ params: { block: template, isSynced: true } }),
      getBlockDagInfo: () => ({
        params: {
          network: "devnet", blockCount: 10, headerCount: 10, tipHashes: [HASH_HEX], difficulty: 1, pastMedianTime: 0,
          virtualParentHashes: [HASH_HEX], pruningPointHash: HASH_HEX, virtualDaaScore: 100, sink: HASH_HEX,
        },
      }),
      getBlockRewardInfo: () => ({ params: rewardInfo() }),
      submitBlock: submit,
    }),
    async start(backend, name, nodes, requestTimeoutMs) {
      const urls = nodes.map((n) => n.url);
      const config = configSchema.parse({
        ...defaults,
        node: { urls, requestTimeoutMs },
        stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536, vardiff: false, encoding: "auto" }] },
        treasury: { ...defaults.treasury, coinbaseMaturity: 10 },
      });
      // As run.ts: the template client on the first node, a block submitter on every node.
      const node = new NodeClient({ urls: [urls[0]!], requestTimeoutMs, log: silentLogger, reconnect: { minDelayMs: 50, maxDelayMs: 100 } });
      node.start();
      await node.waitConnected(3_000);
      const submitter = new BlockSubmitter({ urls, requestTimeoutMs, log: silentLogger });
      submitter.start();
      const db = databases.get(backend.name)!;
      for (const table of ["ledger", "block_windows", "blocks", "shares", "miners_balance", "wallet_total"]) await db.query(`DELETE FROM ${table}`);
      const accounting = await startPoolAccounting({
        db, node, config, log: silentLogger, spoolPath: join(tmp, `${backend.name}-${name}.spool`), pollMs: 50,
      });
      const resubmission = startBlockResubmission({ db, submitter, log: silentLogger, intervalMs: 50 });
      const stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger });
      return {
        db, node, submitter, accounting, resubmission, stratum,
        async stop() {
          await stratum.stop();
          await resubmission.stop();
          await accounting.stop();
          await submitter.close();
          await node.close();
        },
      };
    },
  };
}

/** A logged-in miner holding a block-solving share; `submit()` sends it and returns the request id. */
export async function blockShare(port: number): Promise<{ client: TestClient; submit(): unknown }> {
  const client = await TestClient.connect(port);
  const user = `${MINER}.rig`;
  await client.reply(client.send("mining.subscribe", ["lolMiner 1.72"]));
  await client.reply(client.send("mining.authorize", [user, "x"]));
  let extranonce = "";
  let notify: Record<string, any>;
  for (;;) {
    const m = await client.message(15_000);
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") {
      notify = m;
      break;
    }
  }
  // The network target is far easier than the share target, so every valid share is a block.
  const nonce = mine(jobFromNotify(notify, "words"), 1 / 65536, extranonce);
  return { client, submit: () => client.send("mining.submit", [user, notify.params[0], nonceHex(nonce).slice(extranonce.length)]) };
}

/** Mines one block through stratum; returns how long the share answer took and the answer. */
export async function mineBlock(port: number): Promise<{ ms: number; reply: Record<string, any> }> {
  const { client, submit } = await blockShare(port);
  const started = Date.now();
  const reply = await client.reply(submit(), 10_000);
  const ms = Date.now() - started;
  client.close();
  return { ms, reply };
}

export async function blockRow(db: Database): Promise<Record<string, any> | undefined> {
  const [row] = await db.query<Record<string, any>>("SELECT hash, status, reject_reason, pending_block IS NOT NULL AS pending FROM blocks");
  return row;
}
