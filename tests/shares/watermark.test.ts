// The recorder's window watermark: a share acknowledged through the spool holds it until the spool is replayed
// into the database, also across a restart of the recorder. Real Postgres behind a TCP proxy that is cut.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/database.ts";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import type { AcceptedShare } from "../../src/shares/types.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { startTcpProxy } from "./tcpProxy.ts";

const tmp = mkdtempSync(join(tmpdir(), "kaspool-watermark-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const share = (timestamp: number, nonce: bigint): AcceptedShare => ({
  address: "kaspa:qa", worker: "rig", mode: "pplns", difficulty: 4, jobId: "wm", nonce, timestamp,
});

test("a spooled share holds the watermark until it is replayed, across a recorder restart", async () => {
  const backend = await createPostgresDatabase("watermark");
  if (!backend) return;
  const target = new URL(backend.url!);
  const proxy = startTcpProxy("127.0.0.1", Number(target.port || 5432));
  const viaProxy = new URL(backend.url!);
  viaProxy.port = String(proxy.port);
  const db = await openDatabase({ url: viaProxy.toString(), embeddedPath: "memory://" });
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
    const deadline = Date.now() + 10_000;
    while (rec.isSpooling && Date.now() < deadline) await Bun.sleep(50);
    expect(rec.isSpooling).toBe(false);
    expect(await db.query("SELECT 1 FROM shares")).toHaveLength(2);
    expect(rec.watermark()).toBeGreaterThan(t);
  } finally {
    await rec.stop();
    await db.close();
    proxy.stop();
    await backend.drop();
  }
}, 30_000);
