// What share history costs the share insert: `bun run bench/historyUpsert.ts`. Times the real statement
// (insertShares: shares plus their minute of share_history) against the same insert without history, alternating
// on fresh databases (Postgres at DATABASE_URL or the local default, and PGlite on disk), and prints p50 / p90 per
// batch. Then, on Postgres, four batches at a time (as the recorder writes) from workers the batches share or not,
// sampling what the backends wait on: concurrent batches of the same workers queue on each other's history rows.

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/database.ts";
import { insertShares, type StoredShare } from "../src/db/shares.ts";

const SHARES_ONLY = `INSERT INTO shares (run, job_id, nonce, address, worker, mode, difficulty, accepted_at)
  SELECT r, j, n, a, w, m, d, to_timestamp(t / 1000.0)
  FROM unnest($1::text[], $2::numeric[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[]) AS u(j, n, a, w, m, d, t, r)
  ON CONFLICT (run, job_id, nonce) DO NOTHING`;
const sharesOnly = (db: Database, b: StoredShare[]) =>
  db.query(SHARES_ONLY, [b.map((s) => s.jobId), b.map((s) => s.nonce), b.map((s) => s.address), b.map((s) => s.worker),
    b.map((s) => s.mode), b.map((s) => s.difficulty), b.map((s) => s.timestamp), b.map((s) => s.run)]);

let nonce = 0n;
/** `size` shares from `workers` workers of one address, named with `prefix`. */
const batch = (size: number, workers: number, prefix = "rig"): StoredShare[] => Array.from({ length: size }, () => ({
  address: "kaspa:qbench", worker: `${prefix}${Number(nonce % BigInt(workers))}`, mode: "pplns", difficulty: 4096, jobId: "bench",
  nonce: ++nonce, timestamp: Date.now(), run: "bench",
}));

const pct = (v: number[], q: number) => v.sort((x, y) => x - y)[Math.floor(q * v.length)]!.toFixed(2);

async function perBatch(name: string, open: (variant: string) => Promise<Database>): Promise<void> {
  const dbs = { history: await open("history"), sharesOnly: await open("shares") };
  console.log(`\n${name}, load average ${loadavg()[0]!.toFixed(2)}\n| batch | with history p50 / p90 ms | shares only p50 / p90 ms |\n|---|---|---|`);
  for (const [size, workers, reps] of [[10, 50, 600], [1000, 50, 150], [1000, 1000, 150]] as const) {
    const t = { history: [] as number[], sharesOnly: [] as number[] };
    for (let k = 0; k < 2 * reps; k++) {
      const which = k % 2 ? "sharesOnly" : "history";
      const b = batch(size, workers);
      const start = performance.now();
      await (which === "history" ? insertShares(dbs.history, b) : sharesOnly(dbs.sharesOnly, b));
      t[which].push(performance.now() - start);
    }
    console.log(`| ${size} shares, ${workers} workers | ${pct(t.history, 0.5)} / ${pct(t.history, 0.9)} | ${pct(t.sharesOnly, 0.5)} / ${pct(t.sharesOnly, 0.9)} |`);
  }
  await dbs.history.close();
  await dbs.sharesOnly.close();
}

async function concurrent(admin: pg.Client, db: Database, dbName: string): Promise<void> {
  console.log(`\nPostgres, 4 batches of 1,000 at a time, load average ${loadavg()[0]!.toFixed(2)}`);
  for (const shared of [true, false, true, false]) {
    const waits = new Map<string, number>();
    let stop = false;
    const poll = (async () => {
      while (!stop) {
        const r = await admin.query(`SELECT coalesce(wait_event_type || ':' || wait_event, 'running') AS w FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active'`, [dbName]);
        for (const { w } of r.rows) waits.set(w, (waits.get(w) ?? 0) + 1);
        await Bun.sleep(5);
      }
    })();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 3000) {
      // Shared: every batch from the same 52 workers; otherwise from 52 workers of its own.
      await Promise.all([0, 1, 2, 3].map((k) => insertShares(db, shared ? batch(1000, 52) : batch(1000, 52, `lane${k}-rig`))));
      n += 4000;
    }
    stop = true;
    await poll;
    const total = [...waits.values()].reduce((a, b) => a + b, 0);
    const rowLock = ((100 * (waits.get("Lock:transactionid") ?? 0)) / total).toFixed(0);
    console.log(`${shared ? "shared workers:  " : "disjoint workers:"} ${Math.round(n / ((performance.now() - start) / 1000)).toLocaleString("en")} shares/s, ` +
      `${rowLock}% of backend time waiting on another batch's row lock`);
  }
}

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const names: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), "kaspool-bench-history-"));
try {
  const openPostgres = async (variant: string) => {
    const name = `kaspool_bench_history_${variant}_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    names.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return openDatabase({ url: url.toString(), embeddedPath: "memory://" });
  };
  await perBatch("Postgres", openPostgres);
  await perBatch("PGlite", (variant) => openDatabase({ url: null, embeddedPath: join(tmp, variant) }));
  const db = await openPostgres("concurrent");
  try {
    await concurrent(admin, db, names.at(-1)!);
  } finally {
    await db.close();
  }
} finally {
  for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  rmSync(tmp, { recursive: true, force: true });
}
