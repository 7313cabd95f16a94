// End to end on the devnet: shares into the ShareSink, real blocks mined and submitted through NodeClient,
// the devnet colors some red, and after maturity balances equal the PPLNS split to the sompi.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { blockHash, parseHeader } from "../../src/kaspa/header.ts";
import { networkDifficulty } from "../../src/kaspa/target.ts";
import { NodeClient } from "../../src/node/client.ts";
import { creditBlock, POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { startPoolAccounting } from "../../src/pool/index.ts";
import { difficultyWeight, feeBasisPoints, PplnsWindow, splitReward, windowSize } from "../../src/pool/split.ts";
import type { AcceptedShare } from "../../src/shares/types.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile } from "../db/backends.ts";
import { findNonce } from "../devnet/mining.ts";
import { trackUntilSettled } from "./stack.ts";

const POOL = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";
const MINERS = [
  { address: "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889", worker: "a1", scale: 0.25 },
  { address: "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889", worker: "a2", scale: 0.5 },
  { address: "kaspadev:qzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", worker: "b", scale: 1 },
];
const FEE_PERCENT = 1.5;
const FACTOR = 2;
const BLOCKS = 10;

const backends = await backendsForFile("pooldevnet");
const { dir: tmp } = scratch("pool");

const balances = async (db: Database) =>
  Object.fromEntries(
    (await db.query<{ id: string; balance: string }>("SELECT id, balance::text AS balance FROM miners_balance ORDER BY id"))
      .map((r) => [r.id, BigInt(r.balance)]),
  );

for (const backend of backends) {
  describe(backend.name, () => {
    test("blocks found on a PPLNS flow are paid exactly after maturity; red blocks pay nothing; crediting again changes nothing", async () => {
      const devnet = await startDevnet({ port: 0, bps: 40, difficulty: 1e-7, redRatio: 0.3, maturity: 5, seed: 11, log: silentLogger });
      const node = new NodeClient({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 2000 });
      node.start();
      const db = await openDatabase(backend);
      const accounting = await startPoolAccounting({
        db, node, config: { treasury: { fee: FEE_PERCENT, address: POOL, coinbaseMaturity: 5 }, pplns: { factor: FACTOR } },
        log: silentLogger, spoolPath: join(tmp, `${backend.name}.spool`), pollMs: 100,
      });
      try {
        await node.waitConnected(3000);
        const fed: AcceptedShare[] = [];
        const found: Array<{ hash: string; foundAt: number; networkDifficulty: number }> = [];
        // In the past: a window is cut only once the share watermark (the present, when all is committed) passes its block.
        let clock = Date.now() - 60_000;
        let nonce = 0n;
        for (let i = 0; i < BLOCKS; i++) {
          const { block: template } = await node.getBlockTemplate(POOL);
          const header = template.header as Record<string, unknown>;
          const netDiff = networkDifficulty(Number(header.bits));
          // Five shares per block, round robin with a twist so windows differ from block to block.
          for (let k = 0; k < 5; k++) {
            const m = MINERS[(i * 2 + k) % MINERS.length];
            const s: AcceptedShare = {
              address: m.address, worker: m.worker, mode: "pplns", difficulty: netDiff * m.scale,
              jobId: "job", nonce: ++nonce, timestamp: (clock += 2),
            };
            fed.push(s);
            await accounting.sink.recordShare(s);
          }
          const blockNonce = findNonce(header, "valid");
          expect(await node.submitBlock(template, blockNonce)).toEqual({ accepted: true, rejectReason: null });
          const hash = blockHash(parseHeader({ ...header, nonce: blockNonce }));
          const foundAt = (clock += 1);
          const fb = {
            hash, address: MINERS[i % 3].address, worker: MINERS[i % 3].worker, mode: "pplns" as const,
            daaScore: BigInt(header.daaScore as number | bigint), networkDifficulty: netDiff, accepted: true, rejectReason: null, foundAt,
          };
          await accounting.sink.recordBlock(fb);
          await accounting.sink.recordBlock(fb); // a duplicate submission
          found.push({ hash, foundAt, networkDifficulty: netDiff });
        }

        await trackUntilSettled(accounting, db);

        const truth = new Map(devnet.acceptedBlocks().map((b) => [b.hash, b]));
        const expected = new Map<string, bigint>();
        const add = (id: string, v: bigint) => expected.set(id, (expected.get(id) ?? 0n) + v);
        let red = 0;
        let blue = 0;
        for (const f of found) {
          const t = truth.get(f.hash)!;
          expect(t).toBeDefined();
          const [row] = await db.query<{ status: string; color: string; reward: string | null }>(
            "SELECT status, color, reward::text AS reward FROM blocks WHERE hash = $1", [f.hash]);
          if (t.color === "red") {
            red++;
            expect(row).toEqual({ status: "red", color: "red", reward: null });
            expect(await db.query("SELECT 1 FROM ledger WHERE block_hash = $1", [f.hash])).toHaveLength(0);
            continue;
          }
          blue++;
          expect(row).toEqual({ status: "credited", color: "blue", reward: t.reward.toString() });
          // The window computed independently from what was fed, newest first up to the block.
          const win = new PplnsWindow(windowSize(FACTOR, f.networkDifficulty));
          for (const s of fed.filter((s) => s.timestamp <= f.foundAt).reverse()) {
            if (!win.add(s.address, s.worker, difficultyWeight(s.difficulty))) break;
          }
          const split = splitReward(t.reward, feeBasisPoints(FEE_PERCENT), win.entries());
          add(`${POOL_ACCOUNT}_${POOL}`, split.fee);
          for (const c of split.credits) add(`${c.worker}_${c.address}`, c.amount);
          const [sum] = await db.query<{ s: string }>("SELECT sum(amount)::text AS s FROM ledger WHERE block_hash = $1", [f.hash]);
          expect(BigInt(sum.s)).toBe(t.reward);
        }
        console.log(`devnet ${backend.name}: ${blue} blue blocks credited, ${red} red blocks paid nothing`);
        expect(red).toBeGreaterThan(0);
        expect(blue).toBeGreaterThan(0);
        expect(await db.query("SELECT hash FROM blocks")).toHaveLength(BLOCKS);
        const after = await balances(db);
        expect(after).toEqual(Object.fromEntries([...expected].sort(([a], [b]) => (a < b ? -1 : 1))));

        // A second run of the credit step changes nothing.
        for (const f of found) expect(["already-credited", "not-matured"]).toContain(await creditBlock(db, f.hash, 150n, POOL));
        await accounting.trackNow();
        expect(await balances(db)).toEqual(after);
      } finally {
        await accounting.stop();
        await node.close();
        await devnet.stop();
        await db.close();
      }
    }, 60_000);
  });
}
