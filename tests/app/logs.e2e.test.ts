// The logs of a full devnet run (the pool, the payer in it, a CPU miner's blocks credited and paid), with debug
// on and LOG_FORMAT=json: every line is one JSON object, and no secret shows: not the treasury key, not the
// database password, not the node URL's user and password.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { startMiner } from "../../src/miner/index.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { address, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-logs-e2e-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const DB_PASSWORD = "db-Secret-4711";
const NODE_USER = "nodeUser";
const NODE_PASSWORD = "node-Secret-0815";

test("a full devnet run logs one JSON object per line and never a secret", async () => {
  const backend = await createPostgresDatabase("logse2e");
  if (!backend) return;
  cleanups.push(() => backend.drop());
  // The test Postgres trusts local connections, so the password is carried (and could leak) but not checked.
  const dbUrl = new URL(backend.url!);
  dbUrl.password = DB_PASSWORD;
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { port: 0 },
    treasury: { address: TREASURY, coinbaseMaturity: 20 },
    payments: { intervalMinutes: 0.05, thresholdKas: 1, feeBumpMinutes: 10 },
  }));
  const key = bytesToHex(TREASURY_KEY);
  const pool = Bun.spawn(["bun", "run", "index.ts", "--devnet", "--config", file], {
    env: {
      ...process.env, DATABASE_URL: dbUrl.toString(), TREASURY_PRIVATE_KEY: key, DEBUG: "1", LOG_FORMAT: "json",
      // Port 0: the devnet binds a free port and the pool talks to it there, credentials kept.
      NODE_URL: `ws://${NODE_USER}:${NODE_PASSWORD}@127.0.0.1:0`,
    },
    stdout: "pipe", stderr: "pipe",
  });
  cleanups.push(async () => void pool.kill("SIGKILL"));
  let out = "";
  let err = "";
  const reading = Promise.all([
    (async () => { for await (const c of pool.stdout) out += new TextDecoder().decode(c); })(),
    (async () => { for await (const c of pool.stderr) err += new TextDecoder().decode(c); })(),
  ]);
  const until = async (text: string, ms: number) => {
    const end = Date.now() + ms;
    while (!out.includes(text) && Date.now() < end && pool.exitCode === null) await Bun.sleep(100);
    if (!out.includes(text)) throw new Error(`no "${text}" within ${ms} ms:\n${(out + err).slice(-3000)}`);
  };
  await until('"msg":"pool running"', 60_000);
  const running = out.split("\n").find((l) => l.includes('"msg":"pool running"'))!;
  const port = Number(JSON.parse(running).stratum);
  const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${port}`, user: `${address(78)}.rig` });
  cleanups.push(() => miner.stop());
  await until('"msg":"payout accepted"', 120_000);
  await miner.stop();
  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  await reading;

  const lines = (out + err).split("\n").filter((l) => l.trim());
  for (const line of lines) {
    const event = JSON.parse(line) as Record<string, unknown>;
    expect(typeof event.time).toBe("string");
    expect(["debug", "info", "warn", "error"]).toContain(event.level as string);
    expect(typeof event.msg).toBe("string");
  }
  expect(lines.some((l) => JSON.parse(l).level === "debug")).toBe(true);
  // The node's URL is logged with its credentials masked.
  const devnetUrl = new URL(JSON.parse(lines.find((l) => l.includes('"msg":"devnet node started"'))!).url);
  expect(lines.some((l) => l.includes(`ws://***@127.0.0.1:${devnetUrl.port}`))).toBe(true);
  const all = out + err;
  for (const secret of [key, key.toUpperCase(), DB_PASSWORD, NODE_PASSWORD, `${NODE_USER}:`]) expect(all).not.toContain(secret);
}, 180_000);
