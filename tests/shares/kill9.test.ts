// Kill -9 in the middle of a flood: every share the recorder acknowledged must be in the database exactly once
// after a restart (which replays the spool).

import { expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../src/db/database.ts";
import { scratch } from "../common/scratch.ts";
import { createPgliteDatabase, createPostgresDatabase, type TestBackend } from "../db/backends.ts";
import { proxyPostgres } from "./tcpProxy.ts";

const FIXTURE = join(import.meta.dir, "fixtures", "flood.ts");
const files = scratch("kill9");
const tmp = files.dir;

interface FloodOptions {
  dbUrl: string | null;
  embeddedPath: string;
  spoolPath: string;
  jobId: string;
  killAfter: number;
  /** Called once, after this many acks (to cut the database mid-flood). */
  midway?: { after: number; run(): void };
}

async function floodAndKill(o: FloodOptions): Promise<Set<bigint>> {
  const child = Bun.spawn(["bun", "run", FIXTURE], {
    env: { ...process.env, MODE: "flood", DB_URL: o.dbUrl ?? "", EMBEDDED_PATH: o.embeddedPath, SPOOL_PATH: o.spoolPath, JOB_ID: o.jobId },
    stdout: "pipe",
    stderr: "inherit",
  });
  const acked = new Set<bigint>();
  const decoder = new TextDecoder();
  let rest = "";
  let midwayDone = false;
  for await (const chunk of child.stdout) {
    const lines = (rest + decoder.decode(chunk)).split("\n");
    rest = lines.pop()!;
    for (const line of lines) if (line.startsWith("ack ")) acked.add(BigInt(line.slice(4)));
    if (o.midway && !midwayDone && acked.size >= o.midway.after) {
      midwayDone = true;
      o.midway.run();
    }
    if (acked.size >= o.killAfter) {
      child.kill("SIGKILL");
      break;
    }
  }
  await child.exited;
  // Lines already in the pipe when the kill landed were acknowledged too.
  for await (const chunk of child.stdout) rest += decoder.decode(chunk);
  for (const line of rest.split("\n")) if (line.startsWith("ack ")) acked.add(BigInt(line.slice(4)));
  return acked;
}

async function replay(dbUrl: string | null, embeddedPath: string, spoolPath: string): Promise<void> {
  const proc = Bun.spawn(["bun", "run", FIXTURE], {
    env: { ...process.env, MODE: "replay", DB_URL: dbUrl ?? "", EMBEDDED_PATH: embeddedPath, SPOOL_PATH: spoolPath },
    stdout: "pipe",
    stderr: "inherit",
  });
  expect((await new Response(proc.stdout).text()).trim()).toBe("done");
  expect(await proc.exited).toBe(0);
}

async function verify(label: string, backend: TestBackend, jobId: string, acked: Set<bigint>): Promise<void> {
  const db = await openDatabase(backend);
  const rows = await db.query<{ nonce: string }>("SELECT nonce::text AS nonce FROM shares WHERE job_id = $1", [jobId]);
  await db.close();
  const stored = rows.map((r) => BigInt(r.nonce));
  const storedSet = new Set(stored);
  const missing = [...acked].filter((n) => !storedSet.has(n));
  console.log(`kill -9 ${label}: acknowledged ${acked.size}, found ${[...acked].length - missing.length} of them (${stored.length} rows stored in all)`);
  expect(acked.size).toBeGreaterThan(0);
  expect(missing).toEqual([]);
  expect(stored.length).toBe(storedSet.size);
}

const postgres = await createPostgresDatabase("kill9");
if (postgres) files.defer(() => postgres.drop());

test.skipIf(!postgres)("postgres: kill -9 mid-flood loses no acknowledged share", async () => {
  const spoolPath = join(tmp, "pg.spool");
  const acked = await floodAndKill({ dbUrl: postgres!.url, embeddedPath: "memory://", spoolPath, jobId: "pg-direct", killAfter: 25_000 });
  await replay(postgres!.url, "memory://", spoolPath);
  await verify("postgres", postgres!, "pg-direct", acked);
}, 30_000);

test.skipIf(!postgres)("postgres outage then kill -9: spooled acknowledged shares are replayed once", async () => {
  const { proxy, url: viaProxy } = proxyPostgres(postgres!.url!);
  files.defer(() => proxy.stop());
  const spoolPath = join(tmp, "pg-outage.spool");
  const acked = await floodAndKill({
    dbUrl: viaProxy, embeddedPath: "memory://", spoolPath, jobId: "pg-spool", killAfter: 25_000,
    midway: { after: 10_000, run: () => proxy.cut() },
  });
  await replay(postgres!.url, "memory://", spoolPath);
  await verify("postgres with outage and spool", postgres!, "pg-spool", acked);
}, 30_000);

test("pglite on disk: kill -9 mid-flood loses no acknowledged share", async () => {
  const backend = createPgliteDatabase(true);
  files.defer(() => backend.drop());
  const spoolPath = join(tmp, "pglite.spool");
  const acked = await floodAndKill({ dbUrl: null, embeddedPath: backend.embeddedPath, spoolPath, jobId: "pglite", killAfter: 10_000 });
  await replay(null, backend.embeddedPath, spoolPath);
  await verify("pglite", backend, "pglite", acked);
}, 60_000);
