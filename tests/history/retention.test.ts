// History and retention over a long flood: crediting windows stay exactly what they would be with every share
// kept, while the shares table and share_history stay bounded.

import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase } from "../../src/db/database.ts";
import { insertBlock, windowOf } from "../../src/db/blocks.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { cutWindow } from "../../src/pool/recordBlock.ts";
import { difficultyWeight, PplnsWindow, windowSize } from "../../src/pool/split.ts";
import { pruneOnce } from "../../src/shares/retention.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("retention");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const MIN = 60_000;
const FACTOR = 2;
const NET_DIFFICULTY = 100;
const WORKERS = ["kaspa:qa.rig1", "kaspa:qa.rig2", "kaspa:qb.x", "kaspa:qc.y", "kaspa:qd.z"];
const count = async (db: { query: Function }, sql: string) => Number((await db.query(sql))[0].n);

for (const backend of backends) {
  describe(backend.name, () => {
    test("a 12-hour flood: windows equal the full-history windows; shares and history stay bounded", async () => {
      const db = await openDatabase(backend);
      try {
        const history = { minutesKeptHours: 2, hoursKeptDays: 1, sharesMarginMinutes: 5, pruneIntervalSeconds: 600 };
        const all: StoredShare[] = [];
        const start = Math.floor((Date.now() - 13 * 3_600_000) / MIN) * MIN;
        const blocks: Array<{ hash: string; foundAt: number; cutAt: number }> = [];
        const peaks: number[] = [];
        let seq = 0;
        for (let m = 0; m < 12 * 60; m++) {
          const t0 = start + m * MIN;
          const batch: StoredShare[] = [];
          // 30 shares a minute, each at its own millisecond, difficulties 0.5 to 2.5.
          for (let i = 0; i < 30; i++) {
            const [address, worker] = WORKERS[i % WORKERS.length]!.split(".") as [string, string];
            batch.push({ address, worker, mode: i % 10 === 9 ? "solo" : "pplns", difficulty: 0.5 + (i % 5) / 2,
              jobId: String(m), nonce: BigInt(++seq), timestamp: t0 + i * 1_999 + 7, run: "flood" });
          }
          await insertShares(db, batch);
          all.push(...batch);
          const now = t0 + MIN;
          if (m % 40 === 39) {
            const hash = (blocks.length + 1).toString(16).padStart(64, "0");
            await insertBlock(db, { hash, address: "kaspa:qa", worker: "rig1", mode: "pplns", daaScore: BigInt(m),
              networkDifficulty: NET_DIFFICULTY, accepted: true, rejectReason: null, foundAt: now - 1 });
            // Cut 25 minutes later: prunes in between must leave its window alone.
            blocks.push({ hash, foundAt: now - 1, cutAt: m + 25 });
          }
          for (const b of blocks) if (b.cutAt === m) expect(await cutWindow(db, b.hash, FACTOR)).toBe(true);
          if (m % 10 === 9) {
            await pruneOnce({ db, history, windowWork: async () => FACTOR * NET_DIFFICULTY }, now);
            if (m > 6 * 60) peaks.push(await count(db, "SELECT count(*)::text AS n FROM shares"));
          }
        }
        expect(blocks.filter((b) => b.cutAt < 12 * 60).length).toBeGreaterThanOrEqual(16);
        for (const b of blocks.filter((b) => b.cutAt < 12 * 60)) {
          const expected = new PplnsWindow(windowSize(FACTOR, NET_DIFFICULTY));
          const older = all.filter((s) => s.mode === "pplns" && s.timestamp <= b.foundAt).sort((x, y) => y.timestamp - x.timestamp);
          for (const s of older) if (!expected.add(s.address, s.worker, difficultyWeight(s.difficulty))) break;
          const want = expected.entries().sort((x, y) => `${x.address}.${x.worker}`.localeCompare(`${y.address}.${y.worker}`));
          expect(await windowOf(db, b.hash)).toEqual(want);
        }
        // 21,600 shares went in; the table holds about the uncut windows, the margin and a prune interval.
        expect(all.length).toBe(21_600);
        expect(Math.max(...peaks)).toBeLessThan(30 * 60);
        // Minutes for 2 hours (plus the hour being filled), hours beyond: at most 5 workers × 2 modes each.
        expect(await count(db, "SELECT count(*)::text AS n FROM share_history WHERE span = 60")).toBeLessThanOrEqual(10 * 3 * 60);
        expect(await count(db, "SELECT count(*)::text AS n FROM share_history WHERE span = 3600")).toBeLessThanOrEqual(10 * 11);
        // Rolling up loses nothing: history holds every share's work and count.
        const [sums] = await db.query<{ work: number; accepted: string }>(
          "SELECT sum(work) AS work, sum(accepted)::text AS accepted FROM share_history");
        expect(Number(sums!.accepted)).toBe(21_600);
        expect(Number(sums!.work)).toBeCloseTo(all.reduce((a, s) => a + s.difficulty, 0), 6);
      } finally {
        await db.close();
      }
    }, 240_000);

    test("history counts only the shares an insert added: a replayed batch adds no work", async () => {
      const db = await openDatabase(backend);
      try {
        const t = Date.UTC(2026, 0, 1, 12, 0, 30);
        const batch: StoredShare[] = [1, 2, 3].map((n) => ({ address: "kaspa:replay", worker: "w", mode: "pplns", difficulty: n,
          jobId: "j", nonce: BigInt(n), timestamp: t + n, run: "r" }));
        expect(await insertShares(db, batch)).toBe(3);
        expect(await insertShares(db, [...batch, { ...batch[0]!, nonce: 9n, timestamp: t + 60_000 }])).toBe(1);
        const rows = await db.query<{ slot: string; work: number; accepted: number }>(
          "SELECT to_char(slot AT TIME ZONE 'UTC', 'HH24:MI') AS slot, work, accepted FROM share_history WHERE address = 'kaspa:replay' ORDER BY slot");
        expect(rows.map((r) => [r.slot, Number(r.work), Number(r.accepted)])).toEqual([["12:00", 6, 3], ["12:01", 1, 1]]);
      } finally {
        await db.close();
      }
    });
  });
}
