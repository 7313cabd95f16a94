// A found block is kept (synchronously) the moment it goes to the nodes, so a process killed while it waits for their
// answer still records it at its next start, for resubmission (issue 7). The answer, when it comes, is what the
// database keeps: the kept form never overrides a block's final record, and each block is recorded once.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { recordFoundBlock } from "../../src/pool/recordBlock.ts";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import { Spool } from "../../src/shares/spool.ts";
import type { FoundBlock } from "../../src/shares/types.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile, type TestBackend } from "../db/backends.ts";
import { openProxiedPostgres, untilReplayed } from "./proxiedPostgres.ts";

const backends = await backendsForFile("atnode");
const files = scratch("atnode");

const PENDING = '{"header":{"nonce":18446744073709551615,"daaScore":9223372036854775813},"transactions":[]}';
/** A block as stratum keeps it before the nodes answer. */
const atNode = (hash: string): FoundBlock => ({
  hash, address: "kaspa:qa", worker: "rig", mode: "pplns", daaScore: 2n ** 63n + 5n, networkDifficulty: 3,
  accepted: false, rejectReason: null, foundAt: 1_800_000_000_000, pendingBlock: PENDING,
});
const accepted = (hash: string): FoundBlock => {
  const { pendingBlock: _, ...b } = atNode(hash);
  return { ...b, accepted: true };
};
const rejected = (hash: string): FoundBlock => {
  const { pendingBlock: _, ...b } = atNode(hash);
  return { ...b, rejectReason: "block is invalid" };
};

const start = (db: Database, spoolPath: string, retryMs?: number) =>
  ShareRecorder.start({ db, spoolPath, persistBlock: (b) => recordFoundBlock(db, b), retryMs });
const rows = (db: Database) =>
  db.query<{ hash: string; status: string; reject_reason: string | null; pending_block: string | null }>(
    "SELECT hash, status, reject_reason, pending_block FROM blocks ORDER BY hash",
  );
const kept = (spoolPath: string) => new Spool(`${spoolPath}.blocks`).read();

/** Runs `run` on the backend's database with no blocks, and a spool path of its own. */
async function onEmptyDatabase(backend: TestBackend, name: string, run: (db: Database, spoolPath: string) => Promise<void>) {
  const db = await openDatabase(backend);
  await db.query("DELETE FROM blocks");
  try {
    await run(db, join(files.dir, `${backend.name}-${name}.spool`));
  } finally {
    await db.close();
  }
}

for (const backend of backends) {
  describe(backend.name, () => {
    test("answered: recorded once, exactly as the answer says; the kept form is dropped and a restart changes nothing", () =>
      onEmptyDatabase(backend, "answered", async (db, spoolPath) => {
        const rec = await start(db, spoolPath);
        rec.blockAtNode(atNode("a1".repeat(32)));
        rec.blockAtNode(atNode("b2".repeat(32)));
        expect(kept(spoolPath)).toHaveLength(2);
        await rec.recordBlock(accepted("a1".repeat(32)));
        // One block still waits for its answer: the file must keep both until then.
        expect(kept(spoolPath)).toHaveLength(2);
        await rec.recordBlock(rejected("b2".repeat(32)));
        expect(kept(spoolPath)).toHaveLength(0);
        await rec.stop();
        await (await start(db, spoolPath)).stop();
        expect(await rows(db)).toEqual([
          { hash: "a1".repeat(32), status: "confirming", reject_reason: null, pending_block: null },
          { hash: "b2".repeat(32), status: "rejected", reject_reason: "block is invalid", pending_block: null },
        ]);
      }));

    test("killed before the answer: the next start records the block for resubmission, once; an answered one keeps its record", () =>
      onEmptyDatabase(backend, "killed", async (db, spoolPath) => {
        // The killed run: both blocks went to the nodes, one was answered (rejected) and recorded, then the kill.
        const killed = await start(db, spoolPath);
        killed.blockAtNode(atNode("c3".repeat(32)));
        killed.blockAtNode(atNode("d4".repeat(32)));
        await killed.recordBlock(rejected("d4".repeat(32)));
        const left = kept(spoolPath);
        expect(left).toHaveLength(2);

        const restarted = await start(db, spoolPath);
        const expected = [
          { hash: "c3".repeat(32), status: "confirming", reject_reason: null, pending_block: PENDING },
          { hash: "d4".repeat(32), status: "rejected", reject_reason: "block is invalid", pending_block: null },
        ];
        expect(await rows(db)).toEqual(expected);
        expect(kept(spoolPath)).toHaveLength(0);
        await restarted.stop();

        // Killed again between recording them and emptying the file: the next start adds nothing.
        const again = new Spool(`${spoolPath}.blocks`);
        again.append(left);
        again.close();
        await (await start(db, spoolPath)).stop();
        expect(await rows(db)).toEqual(expected);
        expect(kept(spoolPath)).toHaveLength(0);
        await killed.stop();
      }));
  });
}

test("database down: an answer in the spool outranks the kept form, even when the restart finds the database still down", async () => {
  const pg = await openProxiedPostgres("atnodedown");
  if (!pg) return;
  const { db, proxy } = pg;
  const spoolPath = join(files.dir, "down.spool");
  try {
    const killed = await start(db, spoolPath, 100);
    killed.blockAtNode(atNode("e5".repeat(32)));
    const left = kept(spoolPath);
    proxy.cut();
    await killed.recordBlock(rejected("e5".repeat(32)));
    expect(killed.isSpooling).toBe(true);
    // Durable in the spool, so no longer kept; the kill lands just before the file is emptied.
    expect(kept(spoolPath)).toHaveLength(0);
    const again = new Spool(`${spoolPath}.blocks`);
    again.append(left);
    again.close();

    const rec = await start(db, spoolPath, 100);
    expect(rec.isSpooling).toBe(true);
    // The kept block went to the spool too, behind the answer.
    expect(kept(spoolPath)).toHaveLength(0);
    expect(new Spool(spoolPath).read()).toHaveLength(2);
    proxy.restore();
    await untilReplayed(rec);
    expect(rec.isSpooling).toBe(false);
    expect(await rows(db)).toEqual([{ hash: "e5".repeat(32), status: "rejected", reject_reason: "block is invalid", pending_block: null }]);
    await rec.stop();
    await killed.stop();
  } finally {
    await pg.close();
  }
});
