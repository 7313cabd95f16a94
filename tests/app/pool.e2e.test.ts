// The whole pool as an operator runs it: `bun run index.ts --devnet` in its own process, a CPU miner over TCP,
// shares made durable in the embedded database, and a clean stop on SIGTERM.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/index.ts";
import { startMiner } from "../../src/miner/index.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-e2e-"));
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

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `index.ts --devnet` with a config file and env; resolves with the bound stratum ports and the output so far.
 * A pool that exits before it runs fails the test at once, with its output. */
async function startPool(file: string, env: Record<string, string | undefined>) {
  const pool = Bun.spawn(["bun", "run", "index.ts", "--devnet", "--config", file], { env, stdout: "pipe", stderr: "pipe" });
  const output: string[] = [];
  let drained!: Promise<void>;
  let started = false;
  const ports = await new Promise<number[]>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`pool did not start (${why}):\n${output.join("")}`));
    const timer = setTimeout(() => fail("60 s"), 60_000);
    drained = (async () => {
      for await (const chunk of pool.stdout) {
        output.push(new TextDecoder().decode(chunk));
        const m = output.join("").match(/pool running .*stratum=([\d,]+)/);
        if (m && !started) {
          started = true;
          clearTimeout(timer);
          resolve(m[1]!.split(",").map(Number));
        }
      }
    })();
    void pool.exited.then(async (code) => {
      if (started) return;
      clearTimeout(timer);
      await drained;
      output.push(await new Response(pool.stderr).text());
      fail(`exit ${code}`);
    });
  });
  return { pool, ports, output, drained };
}

test("index.ts --devnet mines with a CPU miner, keeps its shares and stops cleanly on SIGTERM", async () => {
  const { pool, ports, output, drained } = await startPool(configFile, { ...process.env, DATABASE_URL: "", DEBUG: "" });
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

  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  await drained;
  const stderr = await new Response(pool.stderr).text();
  expect(stderr).not.toContain("    at ");
  // A clean stop warns of nothing (no "node connection lost" for the connection it closed) and says it stopped.
  expect(stderr).not.toContain("WARN");
  expect(output.join("").trimEnd().split("\n").at(-1)).toMatch(/INFO  \[kaspool\] stopped$/);

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
  const { pool, output, drained } = await startPool(file, { ...process.env, DEBUG: "1", TREASURY_PRIVATE_KEY: key, DATABASE_URL: databaseUrl });
  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  await drained;
  const all = output.join("") + (await new Response(pool.stderr).text());
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
  const pool = Bun.spawn(["bun", "run", "index.ts", "--config", file], { env: { ...process.env, DEBUG: "" }, stdout: "pipe", stderr: "pipe" });
  let stderr = "";
  const decoder = new TextDecoder();
  for await (const chunk of pool.stderr) {
    stderr += decoder.decode(chunk);
    if (stderr.includes("waiting for the node")) break;
  }
  expect(stderr).toContain(nodeUrl);
  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  silent.stop(true);
  expect(stderr).not.toContain("    at ");
}, 30_000);
