// The recorder's window watermark: a share acknowledged through the spool holds it until the spool is replayed
// into the database, also across a restart of the recorder. Real Postgres behind a TCP proxy that is cut.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import type { AcceptedShare } from "../../src/shares/types.ts";
import { scratch } from "../common/scratch.ts";
import { openProxiedPostgres, untilReplayed } from "./proxiedPostgres.ts";

const { dir: tmp } = scratch("watermark");

const share = (timestamp: number, nonce: bigint): AcceptedShare => ({
  address: "kaspa:qa", worker: "rig", mode: "pplns", difficulty: 4, jobId: "wm", nonce, timestamp,
});

test("a spooled share holds the watermark until it is replayed, across a recorder restart", async () => {
  const pg = await openProxiedPostgres("watermark");
  if (!pg) return;
  const { db, proxy } = pg;
  const spoolPath = join(tmp, "wm.spool");
  const start = () => ShareRecorder.start({ db, spoolPath, persistBlock: async () => {}, retryMs: 200 });
  let rec = await start();
  try {
    const t = Date.now() - 5_000;
    await rec.recordShare(share(t - 100, 1n));
    expect(rec.watermark()).toBeGreaterThan(t);
    proxy.cut();
    await rec.recordShare(share(t, 2n)); // acknowledged: fsynced in the spool
    expect(rec.isSpooling).toBe(true);
    expect(rec.watermark()).toBe(t);
    await rec.stop();

    rec = await start(); // the database is still unreachable: the replay at start fails
    expect(rec.isSpooling).toBe(true);
    expect(rec.watermark()).toBe(t);

    proxy.restore();
    await untilReplayed(rec);
    expect(rec.isSpooling).toBe(false);
    expect(await db.query("SELECT 1 FROM shares")).toHaveLength(2);
    expect(rec.watermark()).toBeGreaterThan(t);
  } finally {
    await rec.stop();
    await pg.close();
  }
}, 30_000);
