// A block's PPLNS window is cut only once every share accepted before the block is in the database (the share
// watermark), however long that takes: a share still waiting in stratum (on its own block submission), or a share
// whose commit a slow database holds up while the block's own write goes through.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import pg from "pg";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { NodeClient } from "../../src/node/client.ts";
import { startPoolAccounting, type PoolAccounting } from "../../src/pool/index.ts";
import { ShareWatermark } from "../../src/shares/watermark.ts";
import type { AcceptedShare, FoundBlock } from "../../src/shares/types.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile, type TestBackend } from "../db/backends.ts";
import { ScriptedNode } from "../node/scriptedNode.ts";

const MINER = "kaspa:miner";
const LATE = "kaspa:late";
const backends = await backendsForFile("window");
const { dir: tmp } = scratch("window");

let seq = 0;
const share = (address: string, at: number): AcceptedShare => ({
  address, worker: "rig", mode: "pplns", difficulty: 1, jobId: "w", nonce: BigInt(++seq), timestamp: at,
});
const block = (foundAt: number): FoundBlock => ({
  hash: (++seq).toString(16).padStart(64, "0"), address: MINER, worker: "rig", mode: "pplns", daaScore: 1_000n,
  networkDifficulty: 100, accepted: true, rejectReason: null, foundAt,
});

test("the watermark is the oldest outstanding share or hold, else now", () => {
  const w = new ShareWatermark();
  expect(w.value(500)).toBe(500);
  w.add("a", 200);
  const release = w.hold(100);
  expect(w.value(500)).toBe(100);
  release();
  expect(w.value(500)).toBe(200);
  w.settled("a");
  w.settled("a");
  expect(w.value(500)).toBe(500);
});

async function rig(backend: TestBackend): Promise<{ db: Database; accounting: PoolAccounting; window(hash: string): Promise<string[]>; close(): Promise<void> }> {
  // The node knows nothing of the blocks: only the window cut is under test.
  const node = new ScriptedNode({ getBlockRewardInfo: (p) => ({ error: `Block ${p.hash} not found` }) }).start();
  const client = new NodeClient({ urls: [node.url], log: silentLogger, requestTimeoutMs: 2000 });
  client.start();
  await client.waitConnected(3000);
  const db = await openDatabase(backend);
  const accounting = await startPoolAccounting({
    db, node: client, config: { treasury: { fee: 1, address: "kaspa:pool", coinbaseMaturity: 10 }, pplns: { factor: 2 } },
    log: silentLogger, spoolPath: join(tmp, `${backend.name}-${++seq}.spool`), pollMs: 60_000,
  });
  return {
    db, accounting,
    window: async (hash) => (await db.query<{ address: string }>(
      "SELECT address FROM block_windows WHERE block_hash = $1 ORDER BY address", [hash])).map((r) => r.address),
    async close() {
      await accounting.stop();
      await db.close();
      await client.close();
      await node.stop();
    },
  };
}

const isCut = async (db: Database, hash: string) =>
  (await db.query<{ cut: boolean }>("SELECT window_cut_at IS NOT NULL AS cut FROM blocks WHERE hash = $1", [hash]))[0]!.cut;

for (const backend of backends) {
  describe(backend.name, () => {
    test("a share held in stratum (waiting on its own block submission) keeps the window of an earlier-recorded block open", async () => {
      const r = await rig(backend);
      try {
        const t = Date.now() - 10_000;
        await r.accounting.sink.recordShare(share(MINER, t - 10));
        // Stratum accepted this share at t and holds it while the node takes its time over the share's block.
        const release = r.accounting.sink.hold(t);
        const b = block(t + 1);
        await r.accounting.sink.recordBlock(b);
        await r.accounting.trackNow();
        expect(await isCut(r.db, b.hash)).toBe(false);
        const recorded = r.accounting.sink.recordShare(share(LATE, t));
        release();
        await recorded;
        await r.accounting.trackNow();
        expect(await isCut(r.db, b.hash)).toBe(true);
        expect(await r.window(b.hash)).toEqual([LATE, MINER]);
      } finally {
        await r.close();
      }
    }, 30_000);

    if (backend.name !== "postgres") return;

    test("a share whose commit a slow database holds up until after the block is committed is still in its window", async () => {
      const r = await rig(backend);
      // Another session locks the shares table against inserts (reads still go through): the share's insert waits
      // on it while the block's row, in another table on another connection, commits at once.
      const locker = new pg.Client({ connectionString: backend.url! });
      await locker.connect();
      try {
        const t = Date.now() - 10_000;
        await r.accounting.sink.recordShare(share(MINER, t - 10));
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE shares IN SHARE MODE");
        let committed = false;
        const late = r.accounting.sink.recordShare(share(LATE, t)).then(() => (committed = true));
        const b = block(t + 1);
        await r.accounting.sink.recordBlock(b);
        await r.accounting.trackNow();
        await Bun.sleep(300);
        await r.accounting.trackNow();
        expect(committed).toBe(false);
        expect(await isCut(r.db, b.hash)).toBe(false);
        await locker.query("COMMIT");
        await late;
        await r.accounting.trackNow();
        expect(await isCut(r.db, b.hash)).toBe(true);
        expect(await r.window(b.hash)).toEqual([LATE, MINER]);
      } finally {
        await locker.query("ROLLBACK").catch(() => {});
        await locker.end();
        await r.close();
      }
    }, 30_000);
  });
}
