// Following blocks without getBlockRewardInfo (an older node, simulated by a wrapper that answers the node's
// "RPC method not found"), against the real devnet: the same statuses and balances as the primary path.
// Also: a block the node never places is orphaned after the configured DAA depth and pays nothing.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { blockHash, parseHeader } from "../../src/kaspa/header.ts";
import { networkDifficulty } from "../../src/kaspa/target.ts";
import { NodeClient } from "../../src/node/client.ts";
import { NodeRpcError } from "../../src/node/errors.ts";
import type { UtxoEntryWithAddress } from "../../src/node/types.ts";
import { isBlockUnknown, isMethodMissing, pickRewardUtxo } from "../../src/pool/colorFallback.ts";
import { POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { startPoolAccounting, type PoolAccounting } from "../../src/pool/index.ts";
import { difficultyWeight, feeBasisPoints, PplnsWindow, splitReward, windowSize } from "../../src/pool/split.ts";
import { isOrphaned, type BlockNode } from "../../src/pool/tracker.ts";
import type { AcceptedShare, FoundBlock } from "../../src/shares/types.ts";
import { createPgliteDatabase, testBackends, type TestBackend } from "../db/backends.ts";
import { findNonce } from "../devnet/mining.ts";

const POOL = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";
const MINERS = [
  { address: "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889", worker: "a1", scale: 0.25 },
  { address: "kaspadev:qzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", worker: "b", scale: 1 },
];
const FEE_PERCENT = 2;
const BLOCKS = 8;

const tmp = mkdtempSync(join(tmpdir(), "kaspool-fallback-"));
const drops: TestBackend[] = [];
afterAll(async () => {
  for (const b of drops) await b.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const utxo = (txid: string, index: number, daa: bigint, over: Partial<UtxoEntryWithAddress["utxoEntry"]> = {}, address = POOL): UtxoEntryWithAddress => ({
  address, outpoint: { transactionId: txid.repeat(64).slice(0, 64), index },
  utxoEntry: { amount: 100n + BigInt(index), scriptPublicKey: "", blockDaaScore: daa, isCoinbase: true, covenantId: null, ...over },
});

test("pickRewardUtxo takes the earliest unclaimed coinbase output to the pay address at or after the block", () => {
  const entries = [
    utxo("c", 0, 90n), // before the block
    utxo("d", 0, 120n, { isCoinbase: false }), // change, not a reward
    utxo("e", 0, 130n, {}, MINERS[0]!.address), // pays someone else
    utxo("b", 1, 110n),
    utxo("b", 0, 110n),
    utxo("a", 0, 115n),
  ];
  expect(pickRewardUtxo(entries, POOL, 100n, new Set())?.outpoint.index).toBe(0);
  expect(pickRewardUtxo(entries, POOL, 100n, new Set())?.outpoint.transactionId[0]).toBe("b");
  const claimed = new Set([`${"b".repeat(64)}:0`, `${"b".repeat(64)}:1`]);
  expect(pickRewardUtxo(entries, POOL, 100n, claimed)?.outpoint.transactionId[0]).toBe("a");
  expect(pickRewardUtxo(entries, POOL, 116n, new Set())).toBeNull();
});

test("node errors: a missing method, an unmerged or unknown block, and anything else", () => {
  expect(isMethodMissing(new NodeRpcError("getBlockRewardInfo", "RPC method not found"))).toBe(true);
  expect(isMethodMissing(new NodeRpcError("getBlockRewardInfo", `Block ${"a".repeat(64)} not found`))).toBe(false);
  expect(isBlockUnknown(new NodeRpcError("getCurrentBlockColor", `Block ${"a".repeat(64)} doesn't have any merger block.`))).toBe(true);
  expect(isBlockUnknown(new NodeRpcError("getBlockRewardInfo", `Block ${"a".repeat(64)} not found`))).toBe(true);
  expect(isBlockUnknown(new NodeRpcError("getBlockRewardInfo", "RPC method not found"))).toBe(false);
  expect(isBlockUnknown(new Error("socket closed"))).toBe(false);
  expect(isOrphaned("unknown", 100n, 131n, 30n)).toBe(true);
  expect(isOrphaned("unknown", 100n, 130n, 30n)).toBe(false);
  expect(isOrphaned("blue", 100n, 10_000n, 30n)).toBe(false);
});

/** The node as an older rusty-kaspa answers it: no getBlockRewardInfo. */
function withoutRewardInfo(node: NodeClient): BlockNode {
  return {
    getBlockRewardInfo: async () => {
      throw new NodeRpcError("getBlockRewardInfo", "RPC method not found");
    },
    getCurrentBlockColor: (hash) => node.getCurrentBlockColor(hash),
    getUtxosByAddresses: (addresses) => node.getUtxosByAddresses(addresses),
    getBlockDagInfo: () => node.getBlockDagInfo(),
  };
}

const balances = async (db: Database) =>
  new Map((await db.query<{ id: string; balance: string }>("SELECT id, balance::text AS balance FROM miners_balance"))
    .map((r) => [r.id, BigInt(r.balance)] as const));

test("without getBlockRewardInfo: same statuses and balances as the primary path; a never-merged block is orphaned", async () => {
  const devnet = await startDevnet({ port: 0, bps: 40, difficulty: 1e-7, redRatio: 0.3, maturity: 5, seed: 5, log: silentLogger });
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 2000 });
  node.start();
  // Primary path on PGlite; fallback on Postgres when it answers, else a second PGlite.
  const [, postgres] = await testBackends("fallback");
  const backends = { primary: createPgliteDatabase(), fallback: postgres ?? createPgliteDatabase() };
  drops.push(backends.primary, backends.fallback);
  const paths: Array<{ name: string; db: Database; accounting: PoolAccounting }> = [];
  for (const [name, backend] of Object.entries(backends)) {
    const db = await openDatabase(backend);
    const accounting = await startPoolAccounting({
      db, node: name === "primary" ? node : withoutRewardInfo(node),
      config: { treasury: { fee: FEE_PERCENT, address: POOL, coinbaseMaturity: 5 }, pplns: { factor: 2 } },
      log: silentLogger, spoolPath: join(tmp, `${name}.spool`), pollMs: 100, windowGraceMs: 200, orphanAfterDaa: 30n,
    });
    paths.push({ name, db, accounting });
  }
  try {
    await node.waitConnected(3000);
    const record = async (f: (a: PoolAccounting) => Promise<void>) => {
      for (const p of paths) await f(p.accounting);
    };
    const fed: AcceptedShare[] = [];
    const found: Array<{ hash: string; foundAt: number; networkDifficulty: number }> = [];
    let clock = Date.now() - 60_000;
    let nonce = 0n;
    for (let i = 0; i < BLOCKS; i++) {
      const { block: template } = await node.getBlockTemplate(POOL);
      const header = template.header as Record<string, unknown>;
      const netDiff = networkDifficulty(Number(header.bits));
      for (let k = 0; k < 3; k++) {
        const m = MINERS[(i + k) % MINERS.length]!;
        const s: AcceptedShare = {
          address: m.address, worker: m.worker, mode: "pplns", difficulty: netDiff * m.scale, jobId: "fb", nonce: ++nonce, timestamp: (clock += 2),
        };
        fed.push(s);
        await record((a) => a.sink.recordShare(s));
      }
      const blockNonce = findNonce(header, "valid");
      expect(await node.submitBlock(template, blockNonce)).toEqual({ accepted: true, rejectReason: null });
      const hash = blockHash(parseHeader({ ...header, nonce: blockNonce }));
      const fb: FoundBlock = {
        hash, address: MINERS[0]!.address, worker: "a1", mode: "pplns", daaScore: BigInt(header.daaScore as bigint),
        networkDifficulty: netDiff, accepted: true, rejectReason: null, foundAt: (clock += 1),
      };
      await record((a) => a.sink.recordBlock(fb));
      found.push({ hash, foundAt: fb.foundAt, networkDifficulty: netDiff });
    }
    // Accepted by the node as far as the pool knows, but the node never heard of it (lost, or fell off the DAG).
    const ghost: FoundBlock = {
      hash: "ab".repeat(32), address: MINERS[1]!.address, worker: "b", mode: "pplns", daaScore: devnet.virtualDaaScore(),
      networkDifficulty: found[0]!.networkDifficulty, accepted: true, rejectReason: null, foundAt: (clock += 1),
    };
    await record((a) => a.sink.recordBlock(ghost));

    const deadline = Date.now() + 15_000;
    for (;;) {
      let open = 0;
      for (const p of paths) {
        await p.accounting.trackNow();
        open += (await p.db.query("SELECT 1 FROM blocks WHERE status IN ('confirming', 'matured')")).length;
      }
      if (open === 0 || Date.now() > deadline) break;
      await Bun.sleep(100);
    }

    const truth = new Map(devnet.acceptedBlocks().map((b) => [b.hash, b]));
    const expected = new Map<string, bigint>();
    const add = (id: string, v: bigint) => expected.set(id, (expected.get(id) ?? 0n) + v);
    let red = 0;
    for (const f of found) {
      const t = truth.get(f.hash)!;
      if (t.color === "red") {
        red++;
        continue;
      }
      const win = new PplnsWindow(windowSize(2, f.networkDifficulty));
      for (const s of fed.filter((s) => s.timestamp <= f.foundAt).reverse()) if (!win.add(s.address, s.worker, difficultyWeight(s.difficulty))) break;
      const split = splitReward(t.reward, feeBasisPoints(FEE_PERCENT), win.entries());
      add(`${POOL_ACCOUNT}_${POOL}`, split.fee);
      for (const c of split.credits) add(`${c.worker}_${c.address}`, c.amount);
    }
    expect(red).toBeGreaterThan(0);
    expect(red).toBeLessThan(BLOCKS);

    const statuses = [];
    for (const p of paths) {
      const rows = await p.db.query<{ hash: string; status: string; color: string; reward: string | null; outpoint: string | null }>(
        "SELECT hash, status, color, reward::text AS reward, reward_outpoint AS outpoint FROM blocks ORDER BY hash");
      for (const r of rows) {
        if (r.hash === ghost.hash) {
          expect(r).toMatchObject({ status: "orphaned", color: "unknown", reward: null });
          continue;
        }
        const t = truth.get(r.hash)!;
        expect(r.status).toBe(t.color === "red" ? "red" : "credited");
        expect(r.reward).toBe(t.color === "red" ? null : t.reward.toString());
        // Only the fallback matches rewards with coinbase outputs.
        expect(r.outpoint !== null).toBe(p.name === "fallback" && t.color === "blue");
      }
      expect(await p.db.query("SELECT 1 FROM ledger WHERE block_hash = $1", [ghost.hash])).toHaveLength(0);
      expect(await balances(p.db)).toEqual(expected);
      statuses.push(rows.map((r) => [r.hash, r.status, r.color, r.reward]));
    }
    expect(statuses[1]).toEqual(statuses[0]!);
  } finally {
    for (const p of paths) {
      await p.accounting.stop();
      await p.db.close();
    }
    await node.close();
    await devnet.stop();
  }
}, 40_000);
