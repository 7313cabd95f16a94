// Refused shares reach share_history through the recorder: with the next batch of shares, or alone on flush.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("rejects");
const tmp = mkdtempSync(join(tmpdir(), "kaspool-rejects-"));
afterAll(async () => {
  for (const b of backends) await b.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const row = async (db: Database, address: string) =>
  (await db.query<Record<string, number>>(
    `SELECT accepted, rejected_duplicate AS dup, rejected_job_not_found AS stale, rejected_low_difficulty AS low
     FROM share_history WHERE address = $1`, [address])).map((r) => ({ accepted: Number(r.accepted), dup: Number(r.dup), stale: Number(r.stale), low: Number(r.low) }));

for (const backend of backends) {
  describe(backend.name, () => {
    test("refusals are counted per reason in the minute of the worker's accepted work", async () => {
      const db = await openDatabase(backend);
      const rec = await ShareRecorder.start({ db, spoolPath: join(tmp, `${backend.name}.spool`), persistBlock: async () => {} });
      try {
        const t = Math.floor(Date.now() / 60_000) * 60_000 + 5;
        const who = { address: "kaspa:qrej", worker: "rig", mode: "pplns" as const };
        rec.recordReject({ ...who, reason: "duplicate", timestamp: t });
        rec.recordReject({ ...who, reason: "duplicate", timestamp: t + 1 });
        rec.recordReject({ ...who, reason: "job-not-found", timestamp: t + 2 });
        await rec.recordShare({ ...who, difficulty: 2, jobId: "1", nonce: 1n, timestamp: t + 3 });
        expect(await row(db, "kaspa:qrej")).toEqual([{ accepted: 1, dup: 2, stale: 1, low: 0 }]);
        // Only refusals, no share to carry them: flush writes them alone.
        rec.recordReject({ ...who, address: "kaspa:qonly", reason: "low-difficulty", timestamp: t });
        await rec.flush();
        expect(await row(db, "kaspa:qonly")).toEqual([{ accepted: 0, dup: 0, stale: 0, low: 1 }]);
      } finally {
        await rec.stop();
        await db.close();
      }
    });
  });
}
