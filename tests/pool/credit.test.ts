// Recording blocks with their PPLNS window, and crediting them exactly once, on both database backends.

import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { updateBlockProgress } from "../../src/db/blocks.ts";
import { creditBlock, POOL_ACCOUNT } from "../../src/pool/credit.ts";
import { creditFields, creditSummary } from "../../src/pool/creditSummary.ts";
import { cutWindow, recordFoundBlock } from "../../src/pool/recordBlock.ts";
import { judgeRewardInfo } from "../../src/pool/tracker.ts";
import type { AcceptedShare, FoundBlock } from "../../src/shares/types.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("credit");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const POOL = "kaspa:pool";
const T0 = 1_800_000_000_000;
let nonce = 0n;
const share = (address: string, difficulty: number, at: number, mode: "pplns" | "solo" = "pplns"): StoredShare => ({
  address, worker: "rig", mode, difficulty, jobId: "j", nonce: ++nonce, timestamp: at, run: "test",
});
let hashSeq = 0;
const found = (over: Partial<FoundBlock> = {}): FoundBlock => ({
  hash: (++hashSeq).toString(16).padStart(64, "0"), address: "kaspa:a", worker: "rig", mode: "pplns", daaScore: 100n,
  networkDifficulty: 10, accepted: true, rejectReason: null, foundAt: T0 + 1_000, ...over,
});
const mature = (db: Database, hash: string, reward: bigint) =>
  updateBlockProgress(db, hash, { color: "blue", confirmations: 1000n, mergingBlockHash: hash }, { status: "matured", reward });
const balances = async (db: Database) =>
  Object.fromEntries(
    (await db.query<{ id: string; balance: string }>("SELECT id, balance::text AS balance FROM miners_balance ORDER BY id"))
      .map((r) => [r.id, BigInt(r.balance)]),
  );

test("reward info verdicts", () => {
  const info = { blockColor: "blue" as const, confirmationCount: 10n, mergingChainBlockHash: "x", rewardAmount: 5n };
  expect(judgeRewardInfo(info, 10n)).toEqual({ status: "matured", reward: 5n });
  expect(judgeRewardInfo(info, 11n)).toEqual({ status: "confirming" });
  expect(judgeRewardInfo({ ...info, blockColor: "red", rewardAmount: null }, 10n)).toEqual({ status: "red" });
  // A color is final only at maturity: a shallow red may still turn blue after a reorg.
  expect(judgeRewardInfo({ ...info, blockColor: "red", rewardAmount: null }, 11n)).toEqual({ status: "confirming" });
  expect(judgeRewardInfo({ ...info, blockColor: "red", confirmationCount: 0n, rewardAmount: null }, 10n)).toEqual({ status: "confirming" });
  expect(judgeRewardInfo({ blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null }, 0n))
    .toEqual({ status: "confirming" });
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("a PPLNS block snapshots its window, credits fee + split exactly once, and ignores a duplicate", async () => {
      const db = await openDatabase(backend);
      // Window = factor 2 × network difficulty 10 = 20. Newest first: c 8 (after the block: excluded), b 6, a 10,
      // b 8 (cut to 4), a 5 (outside). Solo shares never count.
      await insertShares(db, [
        share("kaspa:a", 5, T0 - 500), share("kaspa:b", 8, T0 - 400), share("kaspa:a", 10, T0 - 300),
        share("kaspa:b", 6, T0 - 200), share("kaspa:z", 100, T0 - 100, "solo"), share("kaspa:c", 8, T0 + 5_000),
      ]);
      const b = found();
      expect(await recordFoundBlock(db, b)).toBe(true);
      expect(await recordFoundBlock(db, { ...b, worker: "again" })).toBe(false);
      expect(await creditBlock(db, b.hash, 100n, POOL)).toBe("not-matured");
      await mature(db, b.hash, 1n);
      expect(await creditBlock(db, b.hash, 100n, POOL)).toBe("window-pending");
      expect(await cutWindow(db, b.hash, 2)).toBe(true);
      expect(await cutWindow(db, b.hash, 2)).toBe(false);
      const win = await db.query<{ address: string; weight: string; share_count: number }>(
        "SELECT address, weight::text AS weight, share_count FROM block_windows WHERE block_hash = $1 ORDER BY address", [b.hash]);
      expect(win.map((w) => [w.address, w.weight, Number(w.share_count)])).toEqual([
        ["kaspa:a", (10n << 64n).toString(), 1], ["kaspa:b", (10n << 64n).toString(), 2],
      ]);

      const reward = 2n ** 63n + 12_345n;
      await db.query("UPDATE blocks SET reward = $2 WHERE hash = $1", [b.hash, reward]);
      const [r1, r2] = await Promise.all([creditBlock(db, b.hash, 100n, POOL), creditBlock(db, b.hash, 100n, POOL)]);
      expect([r1, r2].sort()).toEqual(["already-credited", "credited"]);
      expect(await creditBlock(db, b.hash, 100n, POOL)).toBe("already-credited");

      const fee = (reward * 100n) / 10_000n;
      const half = (reward - fee) / 2n;
      const odd = (reward - fee) % 2n; // a tie: the extra sompi goes to kaspa:a
      expect(await balances(db)).toEqual({
        "rig_kaspa:a": half + odd, "rig_kaspa:b": half, [`${POOL_ACCOUNT}_${POOL}`]: fee,
      });
      const [sum] = await db.query<{ s: string }>("SELECT sum(amount)::text AS s FROM ledger WHERE block_hash = $1", [b.hash]);
      expect(BigInt(sum.s)).toBe(reward);
      const [tot] = await db.query<{ t: string }>("SELECT total::text AS t FROM wallet_total WHERE address = 'kaspa:a'");
      expect(BigInt(tot.t)).toBe(half + odd);

      // The "block credited" log line: reward, fee, miners and the largest credits, in KAS to the sompi.
      const summary = await creditSummary(db, b.hash);
      expect(summary).toEqual({ reward, fee, wallets: [{ wallet: "kaspa:a", amount: half + odd }, { wallet: "kaspa:b", amount: half }] });
      expect(creditFields(summary)).toEqual({
        reward: "92233720368.54788153 KAS", fee: "922337203.68547881 KAS", miners: 2,
        largest: "kaspa:a 45655691582.43120136 KAS (49.5%), kaspa:b 45655691582.43120136 KAS (49.5%)",
      });
      await db.close();
    });

    test("the window walk pages through shares with equal timestamps without skipping or repeating any", async () => {
      const db = await openDatabase(backend);
      const at = T0 + 50_000;
      const many = Array.from({ length: 12_000 }, (_, i) => ({ ...share(`kaspa:p${i % 3}`, 1, at), jobId: `page${i % 7}` }));
      await insertShares(db, many);
      const b = found({ foundAt: at, networkDifficulty: 5_000 }); // window: 10,000 shares of difficulty 1
      await recordFoundBlock(db, b);
      await cutWindow(db, b.hash, 2);
      const [w] = await db.query<{ n: string; weight: string }>(
        "SELECT sum(share_count)::text AS n, sum(weight)::text AS weight FROM block_windows WHERE block_hash = $1", [b.hash]);
      expect(w).toEqual({ n: "10000", weight: (10_000n << 64n).toString() });
      await db.close();
    });

    test("shares accepted in the same millisecond are ordered by run, job id, then nonce as a number", async () => {
      const db = await openDatabase(backend);
      const at = T0 + 60_000;
      // As text "9" sorts after "10"; as numbers 10 is newer-first. A window of one share must take nonce 10.
      await insertShares(db, [
        { ...share("kaspa:nine", 1, at), jobId: "tie", nonce: 9n },
        { ...share("kaspa:ten", 1, at), jobId: "tie", nonce: 10n },
      ]);
      const b = found({ foundAt: at, networkDifficulty: 0.5 }); // window: one share of difficulty 1
      await recordFoundBlock(db, b);
      await cutWindow(db, b.hash, 2);
      expect(await db.query("SELECT address FROM block_windows WHERE block_hash = $1", [b.hash])).toEqual([{ address: "kaspa:ten" }]);
      await db.close();
    });

    test("red, rejected and SOLO blocks credit nothing", async () => {
      const db = await openDatabase(backend);
      await insertShares(db, [share("kaspa:r", 50, T0 + 10_000)]);
      const before = await balances(db);

      const red = found({ foundAt: T0 + 20_000 });
      await recordFoundBlock(db, red);
      await cutWindow(db, red.hash, 2);
      await updateBlockProgress(db, red.hash, { color: "red", confirmations: 5n, mergingBlockHash: null }, { status: "red" });
      expect(await creditBlock(db, red.hash, 100n, POOL)).toBe("not-matured");

      const rejected = found({ accepted: false, rejectReason: "blockInvalid", foundAt: T0 + 20_000 });
      await recordFoundBlock(db, rejected);
      expect(await cutWindow(db, rejected.hash, 2)).toBe(false);
      expect(await db.query("SELECT 1 FROM block_windows WHERE block_hash = $1", [rejected.hash])).toHaveLength(0);

      const solo = found({ mode: "solo", foundAt: T0 + 20_000 });
      await recordFoundBlock(db, solo);
      await mature(db, solo.hash, 500_000_000n);
      expect(await creditBlock(db, solo.hash, 100n, POOL)).toBe("solo");
      const [s] = await db.query<{ status: string; reward: string }>("SELECT status, reward::text AS reward FROM blocks WHERE hash = $1", [solo.hash]);
      expect(s).toEqual({ status: "credited", reward: "500000000" });

      expect(await balances(db)).toEqual(before);
      await db.close();
    });
  });
}
