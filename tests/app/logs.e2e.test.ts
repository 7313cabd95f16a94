// The logs of a full devnet run (the pool, the payer in it, a CPU miner's blocks credited and paid), with debug
// on and LOG_FORMAT=json: every line is one JSON object, and no secret shows: not the treasury key, not the
// database password, not the node URL's user and password.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { startMiner } from "../../src/miner/index.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool } from "../common/spawnPool.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { address, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

const tmp = scratch("logs-e2e");

const DB_PASSWORD = "db-Secret-4711";
const NODE_USER = "nodeUser";
const NODE_PASSWORD = "node-Secret-0815";

test("a full devnet run logs one JSON object per line and never a secret", async () => {
  const backend = await createPostgresDatabase("logse2e");
  if (!backend) return;
  tmp.defer(() => backend.drop());
  // The test Postgres trusts local connections, so the password is carried (and could leak) but not checked.
  const dbUrl = new URL(backend.url!);
  dbUrl.password = DB_PASSWORD;
  const file = join(tmp.dir, "config.json");
  writeFileSync(file, JSON.stringify({
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { port: 0 },
    treasury: { address: TREASURY, coinbaseMaturity: 20 },
    payments: { intervalMinutes: 0.05, thresholdKas: 1, feeBumpMinutes: 10 },
  }));
  const key = bytesToHex(TREASURY_KEY);
  const pool = spawnPool(tmp, {
    configFile: file, databaseUrl: dbUrl.toString(),
    env: {
      TREASURY_PRIVATE_KEY: key, DEBUG: "1", LOG_FORMAT: "json",
      // Port 0: the devnet binds a free port and the pool talks to it there, credentials kept.
      NODE_URL: `ws://${NODE_USER}:${NODE_PASSWORD}@127.0.0.1:0`,
    },
  });
  const running = (await pool.line(/^.*"msg":"pool running".*$/m, 60_000))[0];
  const port = Number(JSON.parse(running).stratum);
  const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${port}`, user: `${address(78)}.rig` });
  tmp.defer(() => miner.stop());
  await pool.line(/"msg":"payout accepted"/, 120_000);
  await miner.stop();
  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  await pool.drained;

  const lines = pool.output().split("\n").filter((l) => l.trim());
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
  const all = pool.output();
  for (const secret of [key, key.toUpperCase(), DB_PASSWORD, NODE_PASSWORD, `${NODE_USER}:`]) expect(all).not.toContain(secret);
}, 180_000);
