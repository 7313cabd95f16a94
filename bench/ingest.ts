// Durable share ingest: `bun run bench/ingest.ts`. For Postgres (DATABASE_URL, or the local default) and for
// PGlite on disk, prints the flood rate (shares/s acknowledged as durable) and the acknowledgement latency the
// group commit adds at a steady rate (p50/p99), with the load average before each (the machine may be shared).

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/database.ts";
import { ShareRecorder } from "../src/shares/recorder.ts";
import type { AcceptedShare } from "../src/shares/types.ts";

const FLOOD_SHARES = 300_000;
const IN_FLIGHT = 20_000;
const STEADY_RATE = 10_000; // shares per second
const STEADY_SECONDS = 5;

let nonce = 0n;
const share = (): AcceptedShare => ({
  address: "kaspa:qbench", worker: `rig${Number(nonce % 50n)}`, mode: "pplns", difficulty: 4096,
  jobId: "bench", nonce: ++nonce, timestamp: Date.now(),
});

async function flood(rec: ShareRecorder): Promise<number> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < FLOOD_SHARES; i++) {
    const p: Promise<void> = rec.recordShare(share()).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return FLOOD_SHARES / ((performance.now() - start) / 1000);
}

async function steady(rec: ShareRecorder): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  const all: Promise<void>[] = [];
  const perTick = STEADY_RATE / 1000;
  const start = performance.now();
  let sent = 0;
  while (sent < STEADY_RATE * STEADY_SECONDS) {
    const due = Math.floor((performance.now() - start) * perTick);
    for (; sent < due; sent++) {
      const t0 = performance.now();
      all.push(rec.recordShare(share()).then(() => void latencies.push(performance.now() - t0)));
    }
    await Bun.sleep(1);
  }
  await Promise.all(all);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function run(name: string, db: Database, spoolPath: string): Promise<void> {
  const load = loadavg()[0]!.toFixed(2);
  const rec = await ShareRecorder.start({ db, spoolPath, persistBlock: async () => {} });
  const rate = await flood(rec);
  const lat = await steady(rec);
  await rec.stop();
  console.log(
    `${name.padEnd(8)} flood: ${Math.round(rate).toLocaleString("en")} durable shares/s | ` +
      `steady ${STEADY_RATE.toLocaleString("en")}/s: ack p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms | load average ${load}`,
  );
}

const tmp = mkdtempSync(join(tmpdir(), "kaspool-bench-"));
try {
  const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `kaspool_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  const havePostgres = await admin.connect().then(() => true, () => false);
  if (havePostgres) {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString(), embeddedPath: "memory://" });
    try {
      await run("postgres", db, join(tmp, "pg.spool"));
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.log(`postgres: skipped, nothing answers at ${adminUrl}`);
  }
  const db = await openDatabase({ url: null, embeddedPath: join(tmp, "pglite") });
  try {
    await run("pglite", db, join(tmp, "pglite.spool"));
  } finally {
    await db.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
