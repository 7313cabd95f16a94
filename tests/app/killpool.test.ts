// kill -9 through the whole pool: `bun run index.ts --devnet` is flooded over TCP stratum with valid shares,
// killed with SIGKILL mid-flood, restarted on the same database (which replays its spool) and stopped; every
// share the pool answered `true` must then be in the shares table exactly once. Embedded PGlite and Postgres.

import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { parseJson } from "../../src/common/json.ts";
import { openDatabase } from "../../src/db/index.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { decodeJobParams } from "../../src/miner/jobParams.ts";
import { LineSocket } from "../../src/miner/lineSocket.ts";
import { formatNonce } from "../../src/miner/nonce.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig, type PoolProcess } from "../common/spawnPool.ts";
import { createPgliteDatabase, createPostgresDatabase, type TestBackend } from "../db/backends.ts";

const ADDRESS = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";
// The lowest share difficulty the config allows: about one nonce in four is a valid share, so the test
// finds them itself (PowState, like the pool) and sends nothing the pool would refuse.
const SHARE_DIFFICULTY = 1e-9;
const CONNECTIONS = 32;
const IN_FLIGHT_PER_CONNECTION = 24;

const files = scratch("killpool");

function writeConfig(dir: string): string {
  return writeDevnetConfig(dir, {
    stratum: {
      host: "127.0.0.1",
      // No vardiff, no extranonce and one job per connection (a long job throttle): the nonces the test
      // precomputed for a connection's job stay valid, and are stored exactly as sent.
      ports: [{ port: 0, mode: "pplns", difficulty: SHARE_DIFFICULTY, vardiff: false, encoding: "words" }],
      templates: { cacheSize: 5_000 },
      jobThrottleMs: 600_000,
      extranonceSize: 0,
      ban: { enabled: false, invalidRatio: 0.5, minShares: 50, durationSeconds: 600 },
      // The flood is the point here: no share-rate cap.
      shareRateCap: { windowSeconds: 10, overTarget: 10, fixedSharesPerMinute: 1e12 },
    },
    treasury: { address: ADDRESS, coinbaseMaturity: 10 },
  });
}

interface RunningPool extends PoolProcess {
  port: number;
}

async function startPool(configFile: string, databaseUrl: string): Promise<RunningPool> {
  const pool = spawnPool(files, { configFile, databaseUrl });
  return { ...pool, port: await pool.stratumPort(20_000) };
}

interface Flooder {
  worker: string;
  conn: LineSocket;
  jobId: string | null;
  nonces: bigint[];
  next: number;
  nextId: number;
  inFlight: Map<number, string>;
  closed: boolean;
}

/**
 * Floods the pool from CONNECTIONS sockets, each keeping IN_FLIGHT_PER_CONNECTION submits outstanding, and
 * SIGKILLs the pool once `killAfter` shares were acknowledged. Returns every acknowledged "jobId:nonce",
 * including replies that were already on the wire when the kill landed.
 */
async function floodAndKill(pool: RunningPool, killAfter: number, noncesPerConnection: number, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<Set<string>> {
  const acked = new Set<string>();
  let rejected = 0;
  let killed = false;
  const flooders: Flooder[] = [];
  const submit = (f: Flooder) => {
    if (killed || f.closed || f.next >= f.nonces.length) return;
    const id = f.nextId++;
    const nonce = f.nonces[f.next++]!;
    f.inFlight.set(id, `${f.jobId}:${nonce}`);
    f.conn.send(`{"id":${id},"method":"mining.submit","params":["${f.worker}","${f.jobId}","${formatNonce(nonce)}"]}\n`);
  };
  let allClosed!: () => void;
  const closedAll = new Promise<void>((r) => (allClosed = r));
  let closedCount = 0;
  let jobsReady!: () => void;
  const ready = new Promise<void>((r) => (jobsReady = r));
  let withJob = 0;
  const jobs = new Map<string, { params: unknown }>();

  for (let i = 0; i < CONNECTIONS; i++) {
    const f: Flooder = { worker: `${ADDRESS}.w${i}`, conn: null as unknown as LineSocket, jobId: null, nonces: [], next: 0, nextId: 3, inFlight: new Map(), closed: false };
    f.conn = await LineSocket.connect({ host: "127.0.0.1", port: pool.port }, {
      line(text) {
        const msg = parseJson(text) as { id?: number | null; method?: string; params?: unknown[]; result?: unknown };
        if (msg.method === "mining.notify") {
          if (f.jobId === null) {
            f.jobId = String(msg.params![0]);
            if (!jobs.has(f.jobId)) jobs.set(f.jobId, { params: msg.params });
            if (++withJob === CONNECTIONS) jobsReady();
          }
          return;
        }
        if (typeof msg.id !== "number") return;
        const key = f.inFlight.get(msg.id);
        if (key === undefined) return;
        f.inFlight.delete(msg.id);
        if (msg.result === true) acked.add(key);
        else rejected++;
        if (!killed && acked.size >= killAfter) {
          killed = true;
          pool.proc.kill(signal);
        }
        submit(f);
      },
      closed() {
        f.closed = true;
        if (++closedCount === CONNECTIONS) allClosed();
      },
    });
    f.conn.send(`{"id":1,"method":"mining.subscribe","params":["kaspool-killpool/1.0"]}\n`);
    f.conn.send(`{"id":2,"method":"mining.authorize","params":["${f.worker}","x"]}\n`);
    flooders.push(f);
  }
  await ready;

  // Distinct valid nonces per job; connections on the same job take disjoint slices.
  const shareTarget = difficultyToTarget(SHARE_DIFFICULTY);
  for (const [jobId, { params }] of jobs) {
    const job = decodeJobParams(params, "words");
    const state = new PowState(job.prePowHash, job.timestamp);
    const onJob = flooders.filter((f) => f.jobId === jobId);
    const need = onJob.length * noncesPerConnection;
    const valid: bigint[] = [];
    for (let n = BigInt(Math.floor(Math.random() * 2 ** 40)) << 20n; valid.length < need; n++) {
      if (state.pow(n) < shareTarget) valid.push(n);
    }
    onJob.forEach((f, i) => (f.nonces = valid.slice(i * noncesPerConnection, (i + 1) * noncesPerConnection)));
  }
  for (const f of flooders) for (let k = 0; k < IN_FLIGHT_PER_CONNECTION; k++) submit(f);

  const timeout = setTimeout(() => {
    if (!killed) {
      killed = true;
      pool.proc.kill(signal);
    }
  }, 15_000);
  await closedAll;
  clearTimeout(timeout);
  if (signal === "SIGKILL") expect(await pool.proc.exited).not.toBe(0);
  else expect(await pool.proc.exited).toBe(0);
  expect(rejected).toBe(0);
  return acked;
}

async function verify(label: string, backend: TestBackend, acked: Set<string>): Promise<void> {
  const db = await openDatabase({ url: backend.url, embeddedPath: backend.embeddedPath });
  let rows: Array<{ job_id: string; nonce: string }>;
  try {
    rows = await db.query("SELECT job_id, nonce::text AS nonce FROM shares WHERE worker LIKE 'w%'");
  } finally {
    await db.close();
  }
  const stored = rows.map((r) => `${r.job_id}:${r.nonce}`);
  const storedSet = new Set(stored);
  const found = [...acked].filter((k) => storedSet.has(k)).length;
  console.log(`${label}: ${acked.size} acknowledged, ${found} found (${label}; ${stored.length} rows stored in all)`);
  expect(acked.size).toBeGreaterThan(0);
  expect(found).toBe(acked.size);
  expect(stored.length).toBe(storedSet.size);
}

async function killAndRestart(label: string, backend: TestBackend, dir: string, killAfter: number): Promise<void> {
  const configFile = writeConfig(dir);
  const databaseUrl = backend.url ?? "";
  const first = await startPool(configFile, databaseUrl);
  const acked = await floodAndKill(first, killAfter, Math.ceil((killAfter * 2) / CONNECTIONS));

  // Up again on the same database: migrations, spool replay and stratum all came back; then a clean stop.
  const second = await startPool(configFile, databaseUrl);
  // The runner installs its signal handlers just after it reports itself running.
  await Bun.sleep(300);
  second.proc.kill("SIGTERM");
  expect(await second.proc.exited).toBe(0);
  await second.drained;
  expect(second.stderr()).not.toContain("    at ");

  await verify(label, backend, acked);
}

test("pglite: kill -9 of index.ts mid-flood loses no acknowledged share", async () => {
  const dir = mkdtempSync(join(files.dir, "pglite-"));
  const backend: TestBackend = { ...createPgliteDatabase(), embeddedPath: join(dir, "db") };
  await killAndRestart("pglite", backend, dir, 3_000);
}, 60_000);

const postgres = await createPostgresDatabase("killpool");
if (postgres) files.defer(() => postgres.drop());

test.skipIf(!postgres)("postgres: kill -9 of index.ts mid-flood loses no acknowledged share", async () => {
  const dir = mkdtempSync(join(files.dir, "pg-"));
  await killAndRestart("postgres", postgres!, dir, 8_000);
}, 60_000);

/** SIGTERM mid-flood: a graceful stop within its bound, exit 0, and every acknowledged share already in the
 * database when the process is gone: no restart, no spool replay. */
async function terminate(label: string, backend: TestBackend, dir: string, stopAfter: number): Promise<void> {
  const pool = await startPool(writeConfig(dir), backend.url ?? "");
  const started = Date.now();
  const acked = await floodAndKill(pool, stopAfter, Math.ceil((stopAfter * 2) / CONNECTIONS), "SIGTERM");
  expect(Date.now() - started).toBeLessThan(30_000);
  await pool.drained;
  const stderr = pool.stderr();
  expect(stderr).not.toContain("    at ");
  expect(stderr).not.toContain("node connection lost");
  expect(pool.stdout().trimEnd().split("\n").at(-1)).toContain("stopped");
  await verify(label, backend, acked);
}

test("pglite: SIGTERM mid-flood exits 0 with every acknowledged share stored", async () => {
  const dir = mkdtempSync(join(files.dir, "pglite-term-"));
  await terminate("pglite SIGTERM", { ...createPgliteDatabase(), embeddedPath: join(dir, "db") }, dir, 3_000);
}, 60_000);

const postgresTerm = await createPostgresDatabase("termpool");
if (postgresTerm) files.defer(() => postgresTerm.drop());

test.skipIf(!postgresTerm)("postgres: SIGTERM mid-flood exits 0 with every acknowledged share stored", async () => {
  const dir = mkdtempSync(join(files.dir, "pg-term-"));
  await terminate("postgres SIGTERM", postgresTerm!, dir, 8_000);
}, 60_000);
