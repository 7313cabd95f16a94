// The block tracker against a scripted node (real wRPC over a WebSocket) and a real database on both backends:
// colors are final only at maturity, blocks the node never places are orphaned, and one block that keeps
// failing does not hold up the others.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger, type Logger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { NodeClient } from "../../src/node/client.ts";
import { NodeRpcError } from "../../src/node/errors.ts";
import { startPoolAccounting, type PoolAccounting } from "../../src/pool/index.ts";
import { isBlockUnknown, isOrphaned } from "../../src/pool/tracker.ts";
import type { AcceptedShare, FoundBlock } from "../../src/shares/types.ts";
import { testBackends } from "../db/backends.ts";
import { ScriptedNode, type Script } from "../node/scriptedNode.ts";

const POOL = "kaspa:pool";
const MINER = "kaspa:miner";
const MATURITY = 10n;
const BLOCK_DAA = 1_000n;

const backends = await testBackends("tracker");
const tmp = mkdtempSync(join(tmpdir(), "kaspool-tracker-"));
// One database per backend for the whole file (each test uses its own blocks), opened before any test's clock
// starts: PGlite start-up is slow on a busy machine.
const dbs = new Map<string, Database>();
for (const b of backends) dbs.set(b.name, await openDatabase(b));
afterAll(async () => {
  for (const db of dbs.values()) await db.close();
  for (const b of backends) await b.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const dagInfo = (virtualDaaScore: bigint) => ({
  params: {
    network: "mainnet", blockCount: 1, headerCount: 1, tipHashes: [], difficulty: 1, pastMedianTime: 0,
    virtualParentHashes: [], pruningPointHash: "00".repeat(32), virtualDaaScore, sink: "00".repeat(32),
  },
});
const rewardInfo = (blockColor: "unknown" | "blue" | "red", confirmationCount: bigint | null, rewardAmount: bigint | null = null) => ({
  params: { blockColor, confirmationCount, mergingChainBlockHash: confirmationCount === null ? null : "cc".repeat(32), rewardAmount },
});

let seq = 0;
const T0 = Date.now() - 60_000;
const share = (at: number): AcceptedShare => ({
  address: MINER, worker: "rig", mode: "pplns", difficulty: 1, jobId: "t", nonce: BigInt(++seq), timestamp: at,
});
const block = (over: Partial<FoundBlock> = {}): FoundBlock => ({
  hash: (++seq).toString(16).padStart(64, "0"), address: MINER, worker: "rig", mode: "pplns", daaScore: BLOCK_DAA,
  networkDifficulty: 1, accepted: true, rejectReason: null, foundAt: T0 + seq, ...over,
});

interface Rig {
  node: ScriptedNode;
  db: Database;
  accounting: PoolAccounting;
  statusOf(hash: string): Promise<{ status: string; color: string; reward: string | null } | undefined>;
  credits(hash: string): Promise<bigint[]>;
  close(): Promise<void>;
}

async function rig(backend: (typeof backends)[number], name: string, script: Script, log: Logger = silentLogger): Promise<Rig> {
  const node = new ScriptedNode(script).start();
  const client = new NodeClient({ urls: [node.url], log: silentLogger, requestTimeoutMs: 2000 });
  client.start();
  await client.waitConnected(3000);
  const db = dbs.get(backend.name)!;
  const accounting = await startPoolAccounting({
    db, node: client, config: { treasury: { fee: 1, address: POOL, coinbaseMaturity: Number(MATURITY) }, pplns: { factor: 2 } },
    log, spoolPath: join(tmp, `${backend.name}-${name}.spool`), pollMs: 60_000,
  });
  return {
    node, db, accounting,
    statusOf: async (hash) => (await db.query<{ status: string; color: string; reward: string | null }>(
      "SELECT status, color, reward::text AS reward FROM blocks WHERE hash = $1", [hash]))[0],
    credits: async (hash) => (await db.query<{ amount: string }>(
      "SELECT amount::text AS amount FROM ledger WHERE block_hash = $1 ORDER BY id", [hash])).map((r) => BigInt(r.amount)),
    async close() {
      await accounting.stop();
      await client.close();
      await node.stop();
    },
  };
}

test("node errors that mean 'not placed yet', and when such a block is orphaned", () => {
  expect(isBlockUnknown(new NodeRpcError("getBlockRewardInfo", `Block ${"a".repeat(64)} doesn't have any merger block.`))).toBe(true);
  expect(isBlockUnknown(new NodeRpcError("getBlockRewardInfo", `Block ${"a".repeat(64)} not found`))).toBe(true);
  expect(isBlockUnknown(new NodeRpcError("getBlockRewardInfo", "RPC method not found"))).toBe(false);
  expect(isBlockUnknown(new Error("socket closed"))).toBe(false);
  expect(isOrphaned("unknown", 100n, 131n, 30n)).toBe(true);
  expect(isOrphaned("unknown", 100n, 130n, 30n)).toBe(false);
  expect(isOrphaned("blue", 100n, 10_000n, 30n)).toBe(false);
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("a red answer before maturity is not final: the block turns blue at maturity and is credited once", async () => {
      let answer = rewardInfo("red", 2n);
      const r = await rig(backend, "reorg", { getBlockDagInfo: () => dagInfo(BLOCK_DAA + 20n), getBlockRewardInfo: () => answer });
      try {
        const b = block();
        await r.accounting.sink.recordShare(share(b.foundAt - 1));
        await r.accounting.sink.recordBlock(b);
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "confirming", color: "red", reward: null });
        // A virtual-chain reorg: another chain block merges it, and as blue.
        answer = rewardInfo("blue", MATURITY - 1n, 5_000n);
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "confirming", color: "blue", reward: null });
        answer = rewardInfo("blue", MATURITY, 5_000n);
        await r.accounting.trackNow();
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "credited", color: "blue", reward: "5000" });
        const credits = await r.credits(b.hash);
        expect(credits.reduce((a, c) => a + c, 0n)).toBe(5_000n);
        expect(credits).toEqual([4_950n, 50n]); // the miner's share, then the 1% fee
        expect(r.node.framesOf("getBlockRewardInfo")).toHaveLength(3);
      } finally {
        await r.close();
      }
    }, 20_000);

    test("red is final at maturity and pays nothing", async () => {
      const r = await rig(backend, "red", { getBlockDagInfo: () => dagInfo(BLOCK_DAA + 20n), getBlockRewardInfo: () => rewardInfo("red", MATURITY) });
      try {
        const b = block();
        await r.accounting.sink.recordShare(share(b.foundAt - 1));
        await r.accounting.sink.recordBlock(b);
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "red", color: "red", reward: null });
        await r.accounting.trackNow();
        expect(await r.credits(b.hash)).toEqual([]);
        expect(r.node.framesOf("getBlockRewardInfo")).toHaveLength(1);
      } finally {
        await r.close();
      }
    }, 20_000);

    test("a block whose window cut keeps failing does not stop the tracking and crediting of the others", async () => {
      const warnings: string[] = [];
      const log: Logger = { ...silentLogger, warn: (m, f) => void warnings.push(`${m} ${String(f?.hash)}`), child: () => log };
      const r = await rig(backend, "isolation", {
        getBlockDagInfo: () => dagInfo(BLOCK_DAA + 20n), getBlockRewardInfo: () => rewardInfo("blue", MATURITY, 7_000n),
      }, log);
      try {
        // Recorded first, so its cut comes first in every pass; a network difficulty this small has no window.
        const bad = block({ networkDifficulty: 1e-30 });
        const good = block();
        await r.accounting.sink.recordShare(share(good.foundAt - 1));
        await r.accounting.sink.recordBlock(bad);
        await r.accounting.sink.recordBlock(good);
        await r.accounting.trackNow();
        await r.accounting.trackNow();
        expect(await r.statusOf(good.hash)).toEqual({ status: "credited", color: "blue", reward: "7000" });
        expect((await r.credits(good.hash)).reduce((a, c) => a + c, 0n)).toBe(7_000n);
        // The bad block is followed too, and waits for its window without being paid.
        expect(await r.statusOf(bad.hash)).toEqual({ status: "matured", color: "blue", reward: "7000" });
        expect(await r.credits(bad.hash)).toEqual([]);
        expect(warnings).toContain(`PPLNS window cut failed; will retry ${bad.hash}`);
      } finally {
        await r.close();
      }
    }, 20_000);

    test("a block the node never places is orphaned after orphanAfterDaa and pays nothing", async () => {
      let virtual = BLOCK_DAA + 10n;
      const r = await rig(backend, "ghost", {
        getBlockDagInfo: () => dagInfo(virtual),
        getBlockRewardInfo: (p) => ({ error: `Block ${p.hash} not found` }),
      });
      try {
        const b = block();
        await r.accounting.sink.recordBlock(b);
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "confirming", color: "unknown", reward: null });
        virtual = BLOCK_DAA + 6_001n;
        await r.accounting.trackNow();
        expect(await r.statusOf(b.hash)).toEqual({ status: "orphaned", color: "unknown", reward: null });
        expect(await r.credits(b.hash)).toEqual([]);
      } finally {
        await r.close();
      }
    }, 20_000);
  });
}
