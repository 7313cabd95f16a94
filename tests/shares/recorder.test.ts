import { describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { insertShares } from "../../src/db/shares.ts";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import { Spool } from "../../src/shares/spool.ts";
import { encodeRecord } from "../../src/shares/spoolRecord.ts";
import type { AcceptedShare, FoundBlock } from "../../src/shares/types.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile } from "../db/backends.ts";
import { openProxiedPostgres, untilReplayed } from "./proxiedPostgres.ts";

const backends = await backendsForFile("recorder");
const { dir: tmp } = scratch("recorder");

let seq = 0;
const share = (over: Partial<AcceptedShare> = {}): AcceptedShare => ({
  address: "kaspa:qa", worker: "rig", mode: "pplns", difficulty: 4, jobId: "job1",
  nonce: BigInt(++seq) + (1n << 62n), timestamp: Date.now(), ...over,
});
const block = (hash: string): FoundBlock => ({
  hash, address: "kaspa:qa", worker: "rig", mode: "solo", daaScore: 2n ** 63n, networkDifficulty: 10,
  accepted: true, rejectReason: null, foundAt: Date.now(),
});
/** A spool holding `shares` from an earlier run, then the first bytes of one more: a kill mid-append. */
function tornSpool(path: string, shares: AcceptedShare[]): void {
  const spool = new Spool(path);
  spool.append(shares.map((s) => ({ kind: "share" as const, share: { ...s, run: "earlier" } })));
  spool.close();
  appendFileSync(path, '{"kind":"share","share":{"address":"kaspa:q');
}
const countShares = async (db: Database) => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares"))[0].n);
const persistBlockWith = (db: Database) => async (b: FoundBlock) => {
  await db.query(
    `INSERT INTO blocks (hash, daa_score, finder_address, finder_worker, mode, network_difficulty, status, found_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'confirming', now()) ON CONFLICT DO NOTHING`,
    [b.hash, b.daaScore, b.address, b.worker, b.mode, b.networkDifficulty],
  );
};

for (const backend of backends) {
  describe(backend.name, () => {
    test("group commit: every acknowledged share is stored once, with its u64 nonce intact", async () => {
      const db = await openDatabase(backend);
      const rec = await ShareRecorder.start({ db, spoolPath: join(tmp, `${backend.name}-1.spool`), persistBlock: persistBlockWith(db) });
      const shares = Array.from({ length: 3000 }, () => share());
      await Promise.all(shares.map((s) => rec.recordShare(s)));
      // The same share again (a replay, or a second worker name) adds nothing.
      await rec.recordShare({ ...shares[0], worker: "other" });
      expect(await countShares(db)).toBe(3000);
      const [row] = await db.query<{ nonce: string }>("SELECT nonce::text AS nonce FROM shares WHERE nonce = $1", [shares[7].nonce]);
      expect(BigInt(row.nonce)).toBe(shares[7].nonce);
      await rec.stop();
      await db.close();
    });

    test("bad shares are refused with a clear error and do not disturb their batch", async () => {
      const db = await openDatabase(backend);
      const rec = await ShareRecorder.start({ db, spoolPath: join(tmp, `${backend.name}-2.spool`), persistBlock: persistBlockWith(db) });
      const before = await countShares(db);
      const good = rec.recordShare(share());
      await expect(rec.recordShare(share({ difficulty: 0 }))).rejects.toThrow("invalid difficulty");
      await expect(rec.recordShare(share({ nonce: 1n << 64n }))).rejects.toThrow("u64");
      await good;
      expect(await countShares(db)).toBe(before + 1);
      await rec.stop();
      await db.close();
    });

    test("after a restart, job ids start again: the same job id and nonce from the new run is a new share", async () => {
      const db = await openDatabase(backend);
      const s = share({ jobId: "restart" });
      for (const n of [1, 2]) {
        const rec = await ShareRecorder.start({ db, spoolPath: join(tmp, `${backend.name}-5-${n}.spool`), persistBlock: persistBlockWith(db) });
        await rec.recordShare(s);
        await rec.recordShare(s);
        await rec.stop();
      }
      expect(await db.query("SELECT 1 FROM shares WHERE job_id = 'restart'")).toHaveLength(2);
      await db.close();
    });

    test("start-up replays a spool left by a previous run, exactly once", async () => {
      const db = await openDatabase(backend);
      const path = join(tmp, `${backend.name}-3.spool`);
      const left = Array.from({ length: 50 }, () => share());
      const spool = new Spool(path);
      spool.append(left.map((s) => ({ kind: "share" as const, share: { ...s, run: "earlier" } })));
      spool.append([{ kind: "block", block: block("ab".repeat(32)) }]);
      spool.close();
      // One of them already reached the database before the crash.
      await insertShares(db, [{ ...left[0], run: "earlier" }]);
      const before = await countShares(db);

      const rec = await ShareRecorder.start({ db, spoolPath: path, persistBlock: persistBlockWith(db) });
      expect(rec.isSpooling).toBe(false);
      expect(await countShares(db)).toBe(before + 49);
      expect(new Spool(path).isEmpty).toBe(true);
      const blocks = await db.query("SELECT daa_score::text AS d FROM blocks WHERE hash = $1", ["ab".repeat(32)]);
      expect(blocks).toEqual([{ d: (2n ** 63n).toString() }]);
      await rec.stop();
      await db.close();
    });

    test("start-up repairs a spool torn by a crash mid-append, even one an older build appended onto", async () => {
      const db = await openDatabase(backend);
      const path = join(tmp, `${backend.name}-6.spool`);
      const [a, b] = [share(), share()];
      tornSpool(path, [a]);
      // Builds before the repair appended the next share onto the unterminated line, and could be torn again.
      appendFileSync(path, `${encodeRecord({ kind: "share", share: { ...b, run: "earlier" } })}\n{"kind":"sh`);
      const before = await countShares(db);

      const rec = await ShareRecorder.start({ db, spoolPath: path, persistBlock: persistBlockWith(db) });
      expect(rec.isSpooling).toBe(false);
      expect(await countShares(db)).toBe(before + 2);
      expect(await db.query("SELECT 1 FROM shares WHERE nonce = ANY($1::numeric[])", [[a.nonce, b.nonce]])).toHaveLength(2);
      await rec.recordShare(share());
      expect(await countShares(db)).toBe(before + 3);
      await rec.stop();
      await db.close();
    });
  });
}

test("Postgres unreachable: shares are spooled and acknowledged, then replayed when it returns", async () => {
  const pg = await openProxiedPostgres("spool");
  if (!pg) return;
  const { db, proxy } = pg;
  const spoolPath = join(tmp, "outage.spool");
  const rec = await ShareRecorder.start({ db, spoolPath, persistBlock: persistBlockWith(db), retryMs: 200 });
  try {
    await rec.recordShare(share());
    proxy.cut();
    const during = Array.from({ length: 200 }, () => share());
    await Promise.all(during.map((s) => rec.recordShare(s)));
    await rec.recordBlock(block("cd".repeat(32)));
    expect(rec.isSpooling).toBe(true);
    expect(new Spool(spoolPath).read()).toHaveLength(201);

    proxy.restore();
    await untilReplayed(rec);
    expect(rec.isSpooling).toBe(false);
    expect(await countShares(db)).toBe(201);
    expect(await db.query("SELECT hash FROM blocks")).toHaveLength(1);
    expect(new Spool(spoolPath).isEmpty).toBe(true);
  } finally {
    await rec.stop();
    await pg.close();
  }
});

test("torn spool, restart with Postgres still down, one more share, Postgres back: both stored exactly once", async () => {
  const pg = await openProxiedPostgres("torn");
  if (!pg) return;
  const { db, proxy } = pg;
  const spoolPath = join(tmp, "torn-outage.spool");
  const [a, b] = [share({ jobId: "torn" }), share({ jobId: "torn" })];
  tornSpool(spoolPath, [a]);
  proxy.cut();
  const rec = await ShareRecorder.start({ db, spoolPath, persistBlock: persistBlockWith(db), retryMs: 100 });
  try {
    expect(rec.isSpooling).toBe(true);
    await rec.recordShare(b);
    // Several retries pass over the spool while the database is still away.
    await Bun.sleep(500);
    expect(new Spool(spoolPath).read()).toHaveLength(2);

    proxy.restore();
    await untilReplayed(rec);
    expect(rec.isSpooling).toBe(false);
    const rows = await db.query<{ nonce: string }>("SELECT nonce::text AS nonce FROM shares WHERE job_id = 'torn' ORDER BY nonce");
    expect(rows.map((r) => BigInt(r.nonce))).toEqual([a.nonce, b.nonce]);
    expect(new Spool(spoolPath).isEmpty).toBe(true);
  } finally {
    await rec.stop();
    await pg.close();
  }
});

test("a spool the retry cannot read is logged and retried, never an unhandled rejection", async () => {
  const pg = await openProxiedPostgres("unreadable");
  if (!pg) return;
  const { db, proxy } = pg;
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, error() {}, warn: (m, f) => void warnings.push(`${m} ${String(f?.error)}`), child: () => log };
  const spoolPath = join(tmp, "unreadable.spool");
  const rec = await ShareRecorder.start({ db, spoolPath, persistBlock: persistBlockWith(db), retryMs: 100, log });
  try {
    proxy.cut();
    const s = share({ jobId: "unreadable" });
    await rec.recordShare(s);
    // The file moves aside (the recorder keeps appending to it) and a directory takes its name: reads fail.
    renameSync(spoolPath, `${spoolPath}.aside`);
    mkdirSync(spoolPath);
    await Bun.sleep(400);
    expect(warnings.filter((w) => w.startsWith("spool replay failed") && /EISDIR|directory/i.test(w)).length).toBeGreaterThan(0);

    rmdirSync(spoolPath);
    renameSync(`${spoolPath}.aside`, spoolPath);
    proxy.restore();
    await untilReplayed(rec);
    expect(rec.isSpooling).toBe(false);
    expect(await db.query("SELECT 1 FROM shares WHERE job_id = 'unreadable'")).toHaveLength(1);
  } finally {
    await rec.stop();
    await pg.close();
  }
});
