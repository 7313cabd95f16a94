// HTTP API latency: `bun run bench/api.ts [--rounds 1]`. Fills a fresh Postgres database (DATABASE_URL, or the local
// default) with 10,000 workers' history (1,000 addresses × 10 workers: per-minute rows for the last 24 hours, hourly
// rows for the 6 days before), 5,000 blocks with 20-worker windows, ledger credits and payments; then times every
// endpoint over real HTTP, sequentially, and prints p50 / p99 per endpoint (target: p99 ≤ 50 ms). Each round times
// every endpoint again on the same fill and prints the load average around it: on a shared machine a p99 means
// little without it, and one fill (minutes) serves several rounds.

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { startApi } from "../src/api/server.ts";
import { loadConfig } from "../src/config/load.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import { encodeAddress } from "../src/kaspa/address.ts";
import type { BlockDagInfo } from "../src/node/types.ts";
import { aggregateOnce } from "../src/shares/retention.ts";

const ADDRESSES = 1_000;
const WORKERS = 10;
const REQUESTS = 200;

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1" } }, strict: true });
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error("usage: bun run bench/api.ts [--rounds 1]");
  process.exit(2);
}

const addresses = Array.from({ length: ADDRESSES }, (_, i) => {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, i + 1);
  return encodeAddress("kaspadev", 0, key);
});

async function fill(db: Database, fillUrl: string): Promise<void> {
  // The fill runs on connections of its own, without the pool's 15 s statement timeout; one per statement, so a
  // long fill does not depend on one idle connection surviving.
  const bulk = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: fillUrl });
    client.on("error", () => {});
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
  // One clock for every statement: now() moves between them, and chunk edges must meet exactly.
  const [{ t: at }] = await bulk("SELECT date_trunc('minute', now()) AS t");
  const t0 = performance.now();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    await bulk(sql, params);
    console.log(`  ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  // Indexes are built once after the bulk load: maintaining them row by row would take most of the fill.
  await step("drop indexes", "ALTER TABLE share_history DROP CONSTRAINT share_history_pkey; DROP INDEX share_history_slot; DROP INDEX share_history_address_slot");
  for (let h = 0; h < 24; h += 4) {
    await step(`minutes ${h}-${h + 4} h ago`, `INSERT INTO share_history (address, worker, mode, span, slot, work, accepted, rejected_duplicate, last_share_at)
      SELECT a, 'rig' || w, 'pplns', 60, m, 20 * (1 + (w % 3)), 20, (w = 1)::int, m + interval '55 seconds'
      FROM unnest($1::text[]) a, generate_series(1, ${WORKERS}) w,
        generate_series($2::timestamptz - interval '${h + 4} hours' + interval '1 minute', $2::timestamptz - interval '${h} hours', interval '1 minute') m`,
      [addresses, at]);
  }
  await step("hours, 6 days", `INSERT INTO share_history (address, worker, mode, span, slot, work, accepted, last_share_at)
    SELECT a, 'rig' || w, 'pplns', 3600, m, 1200 * (1 + (w % 3)), 1200, m + interval '59 minutes'
    FROM unnest($1::text[]) a, generate_series(1, ${WORKERS}) w,
      generate_series(date_trunc('hour', $2::timestamptz) - interval '7 days', date_trunc('hour', $2::timestamptz) - interval '25 hours', interval '1 hour') m`,
    [addresses, at]);
  await step("rebuild indexes", `ALTER TABLE share_history ADD PRIMARY KEY (address, worker, mode, span, slot);
    CREATE INDEX share_history_slot ON share_history (slot, span);
    CREATE INDEX share_history_address_slot ON share_history (address, slot) INCLUDE (worker, mode, span, work, accepted,
      rejected_job_not_found, rejected_duplicate, rejected_low_difficulty, rejected_malformed, rejected_unauthorized, last_share_at)`);
  await step("blocks and windows", `WITH b AS (
      INSERT INTO blocks (hash, daa_score, finder_address, finder_worker, mode, network_difficulty, status, reward, found_at, window_cut_at)
      SELECT lpad(to_hex(i), 64, '0'), i, ($1::text[])[1 + i % ${ADDRESSES}], 'rig1', 'pplns', 1e6,
        (ARRAY['credited','credited','credited','confirming','red','matured'])[1 + i % 6], CASE WHEN i % 6 IN (0,1,2,5) THEN 5000000000 END,
        now() - i * interval '1 minute', now() FROM generate_series(1, 5000) i RETURNING hash, daa_score)
    INSERT INTO block_windows (block_hash, address, worker, weight, share_count)
    SELECT hash, ($1::text[])[1 + ((daa_score::int * 7 + k) % ${ADDRESSES})], 'rig' || k, 1000, 10 FROM b, generate_series(0, 19) k`,
    [addresses]);
  await step("ledger and payments", `WITH p AS (
      INSERT INTO payments (wallet, amount, status, txid, created_at, updated_at)
      SELECT ($1::text[])[1 + i % ${ADDRESSES}], 1000000000 + i, 'confirmed', lpad(to_hex(i), 64, 'a'), now() - i * interval '1 minute', now()
      FROM generate_series(1, 20000) i RETURNING id)
    INSERT INTO ledger (wallet, miner_id, amount, reason, block_hash, created_at)
    SELECT w.address, w.worker, 100000 + w.weight, 'block_credit', w.block_hash, now() - random() * interval '30 days' FROM block_windows w`,
    [addresses]);
  await step("balances", `INSERT INTO miners_balance (id, miner_id, wallet, balance)
    SELECT 'rig' || w || '_' || a, 'rig' || w, a, 123456789 * w FROM unnest($1::text[]) a, generate_series(1, ${WORKERS}) w`, [addresses]);
  await step("totals", "INSERT INTO wallet_total (address, total) SELECT wallet, sum(balance) FROM miners_balance GROUP BY wallet");
  const t = performance.now();
  await aggregateOnce({ db, history: { minutesKeptHours: 48, hoursKeptDays: 90, sharesMarginMinutes: 60, pruneIntervalSeconds: 300 } });
  console.log(`  pool_history: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // What autovacuum does on a running pool: it also marks pages all-visible, for index-only scans.
  await bulk("VACUUM ANALYZE");
  const [n] = await bulk("SELECT count(*)::text AS n FROM share_history");
  console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${Number(n!.n).toLocaleString("en")} share_history rows`);
}

async function bench(db: Database): Promise<void> {
  const config = loadConfig({ env: {} });
  config.api.port = 0;
  config.api.rateLimit = { requestsPerSecond: 1e6, burst: 1e6 };
  const dag = { difficulty: 1e6 * 2 ** 31, virtualDaaScore: 1n } as BlockDagInfo;
  const api = startApi({ db, config, dagInfo: async () => dag, nodeProblem: async () => null, templatesFresh: () => true });
  const base = `http://127.0.0.1:${api.port}`;
  const a = () => addresses[Math.floor(Math.random() * ADDRESSES)]!;
  const [block] = await db.query<{ hash: string }>("SELECT hash FROM blocks ORDER BY found_at DESC OFFSET 100 LIMIT 1");
  const endpoints: Array<[string, () => string]> = [
    ["/config", () => "/config"], ["/balance/:address", () => `/balance/${a()}`], ["/total/:address", () => `/total/${a()}`],
    ["/health", () => "/health"], ["/ready", () => "/ready"],
    ["/api/v1/pool", () => "/api/v1/pool"],
    ["/api/v1/pool/hashrate (24h, 5m)", () => "/api/v1/pool/hashrate"],
    ["/api/v1/pool/hashrate (7d, 1h)", () => `/api/v1/pool/hashrate?bucket=1h&from=${Math.floor(Date.now() / 1000) - 7 * 86400}`],
    ["/api/v1/pool/blocks", () => "/api/v1/pool/blocks?limit=100"], ["/api/v1/pool/blocks?status", () => "/api/v1/pool/blocks?status=credited"],
    ["/api/v1/pool/blocks/:hash", () => `/api/v1/pool/blocks/${block!.hash}`],
    ["/api/v1/pool/payments", () => "/api/v1/pool/payments?limit=100"], ["/api/v1/pool/miners", () => "/api/v1/pool/miners?limit=100"],
    ["/api/v1/miners/:a", () => `/api/v1/miners/${a()}`], ["…/workers", () => `/api/v1/miners/${a()}/workers`],
    ["…/hashrate (24h, 5m)", () => `/api/v1/miners/${a()}/hashrate`], ["…/payments", () => `/api/v1/miners/${a()}/payments`],
    ["…/ledger", () => `/api/v1/miners/${a()}/ledger`], ["…/earnings/daily", () => `/api/v1/miners/${a()}/earnings/daily`],
    ["…/blocks", () => `/api/v1/miners/${a()}/blocks`], ["…/rejects (24h, 1h)", () => `/api/v1/miners/${a()}/rejects?bucket=1h`],
  ];
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\nround ${round} of ${ROUNDS}, load average ${load()}\n| endpoint | p50 ms | p99 ms | max ms |\n|---|---|---|---|`);
    for (const [name, path] of endpoints) {
      for (let i = 0; i < 10; i++) await (await fetch(base + path())).arrayBuffer();
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        const res = await fetch(base + path());
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        times.push(performance.now() - t);
      }
      times.sort((x, y) => x - y);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
      console.log(`| ${name} | ${at(0.5)} | ${at(0.99)} | ${times.at(-1)!.toFixed(1)} |`);
    }
    console.log(`round ${round} done, load average ${load()}`);
  }
  await api.stop();
}

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `kaspool_bench_api_${process.pid}`;
const adminQuery = async (sql: string) => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
};
await adminQuery(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = await openDatabase({ url: url.toString(), embeddedPath: "memory://" });
try {
  await fill(db, url.toString());
  await bench(db);
} finally {
  await db.close();
  await adminQuery(`DROP DATABASE ${name} WITH (FORCE)`);
}
