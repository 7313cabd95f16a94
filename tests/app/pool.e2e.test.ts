// The whole pool as an operator runs it: `bun run index.ts --devnet` in its own process, a CPU miner over TCP,
// shares made durable in the embedded database, and a clean stop on SIGTERM.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/db/index.ts";
import { startMiner } from "../../src/miner/index.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, type PoolSpawn } from "../common/spawnPool.ts";

const tmp = scratch("e2e");
const dir = tmp.dir;
// Every port is 0, the devnet's too: each part binds a free port itself and the pool reports what it bound, so
// tests running side by side never race for a port picked in advance.
const configFile = join(dir, "config.json");
writeFileSync(
  configFile,
  JSON.stringify({
    node: { urls: ["ws://127.0.0.1:0"] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }, { port: 0, mode: "solo", difficulty: 1 / 65536 }] },
    api: { port: 0 },
    database: { embeddedPath: join(dir, "db") },
  }),
);

/** Starts `index.ts --devnet`; resolves with every bound stratum port. A pool that exits before it runs fails the
 * test at once, with its output. */
async function startPool(opts: PoolSpawn) {
  const pool = spawnPool(tmp, opts);
  const running = await pool.line(/pool running .*stratum=([\d,]+)/, 60_000, "pool did not start");
  return { pool, ports: running[1]!.split(",").map(Number) };
}

test("index.ts --devnet mines with a CPU miner, keeps its shares and stops cleanly on SIGTERM", async () => {
  const { pool, ports } = await startPool({ configFile, databaseUrl: "" });
  expect(ports).toHaveLength(2);

  const miner = await startMiner({
    url: `stratum+tcp://127.0.0.1:${ports[0]}`,
    user: "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3.e2e",
  });
  await miner.firstAccepted;
  await Bun.sleep(500);
  const accepted = miner.stats().accepted;
  await miner.stop();
  expect(accepted).toBeGreaterThan(0);

  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  await pool.drained;
  expect(pool.stderr()).not.toContain("    at ");
  // A clean stop warns of nothing (no "node connection lost" for the connection it closed) and says it stopped.
  expect(pool.stderr()).not.toContain("WARN");
  expect(pool.stdout().trimEnd().split("\n").at(-1)).toMatch(/INFO  \[kaspool\] stopped$/);

  const db = await openDatabase({ url: null, embeddedPath: join(dir, "db") });
  try {
    const rows = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares WHERE worker = 'e2e'");
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(accepted);
  } finally {
    await db.close();
  }
}, 90_000);

test("secrets stay out of the logs, even with DEBUG on", async () => {
  const key = "0101010101010101010101010101010101010101010101010101010101010101";
  const password = "s3cret-db-password";
  // Postgres on our machines trusts local connections, so the password is carried but not needed.
  const databaseUrl = process.env.DATABASE_URL ? withPassword(process.env.DATABASE_URL, password) : "";
  const file = join(dir, "secrets.json");
  writeFileSync(file, JSON.stringify({
    node: { urls: ["ws://127.0.0.1:0"] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0 }] },
    api: { port: 0 },
    treasury: { address: "" },
    database: { embeddedPath: join(dir, "db2") },
  }));
  const { pool } = await startPool({ configFile: file, databaseUrl, env: { DEBUG: "1", TREASURY_PRIVATE_KEY: key } });
  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  await pool.drained;
  const all = pool.output();
  expect(all).toContain("pool running");
  expect(all).not.toContain(key);
  expect(all).not.toContain(password);
}, 60_000);

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

test("with no node answering, the pool waits and says why, then stops cleanly", async () => {
  // A port held open by a listener that hangs up at once: nothing else can take it, and no node answers there.
  const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
  const nodeUrl = `ws://127.0.0.1:${silent.port}`;
  const file = join(dir, "nonode.json");
  writeFileSync(file, JSON.stringify({
    node: { urls: [nodeUrl] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0 }] },
    api: { port: 0 },
    database: { embeddedPath: join(dir, "db3") },
  }));
  // Without --devnet: the pool dials the config's node, as an operator's does.
  const pool = spawnPool(tmp, { configFile: file, databaseUrl: process.env.DATABASE_URL ?? "", devnet: false });
  await pool.line(/waiting for the node/, 25_000);
  expect(pool.stderr()).toContain(nodeUrl);
  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  silent.stop(true);
  await pool.drained;
  expect(pool.stderr()).not.toContain("    at ");
}, 30_000);
