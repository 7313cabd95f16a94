// The money path as an operator runs it: `bun run index.ts --devnet` with TREASURY_PRIVATE_KEY (the demo: the payer
// runs in the pool process), a CPU miner mining to its own address over TCP, blocks credited by PPLNS, a payout the
// devnet accepts; then `bun run index.ts treasury` reconciles the wallet with the ledger, and the key never shows.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { openDatabase } from "../../src/db/index.ts";
import { startMiner } from "../../src/miner/index.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool } from "../common/spawnPool.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { address, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

const tmp = scratch("payout-e2e");

test("index.ts --devnet with the key: mined blocks are credited and paid on chain; the treasury reconciles", async () => {
  const backend = await createPostgresDatabase("payoute2e");
  if (!backend) return;
  tmp.defer(() => backend.drop());
  const file = join(tmp.dir, "config.json");
  // Port 0: the devnet binds a free port itself (the treasury check below is pointed at it once it is known).
  const config = {
    node: { urls: ["ws://127.0.0.1:0"] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { port: 0 },
    treasury: { address: TREASURY, coinbaseMaturity: 20 },
    payments: { intervalMinutes: 0.05, thresholdKas: 1, feeBumpMinutes: 10 },
  };
  writeFileSync(file, JSON.stringify(config));
  const key = bytesToHex(TREASURY_KEY);
  const env = { ...process.env, DATABASE_URL: backend.url!, DEBUG: "" };
  const pool = spawnPool(tmp, { configFile: file, databaseUrl: backend.url!, env: { TREASURY_PRIVATE_KEY: key } });
  const port = await pool.stratumPort(60_000);
  // The line after "pool running": waited for, not expected in the same read.
  await pool.line(/the payer runs in this process/, 10_000);

  const MINER = address(77);
  const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${port}`, user: `${MINER}.rig` });
  tmp.defer(() => miner.stop());
  await pool.line(/payout accepted/, 120_000);
  await miner.stop();

  // The payer runs in the pool here, so the pool's /metrics carries the wallet's figures beside the database's.
  const apiPort = await pool.apiPort(10_000);
  const metric = (text: string, name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : Number(line.split(" ")[1]);
  };
  let scraped = "";
  for (let i = 0; i < 100 && metric(scraped, "kaspool_treasury_spendable_sompi") === null; i++) {
    if (i) await Bun.sleep(200);
    scraped = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
  }
  // Present, but possibly 0: once every credit is paid the pool's fees may all have gone in network fees (seen:
  // owed 0, spendable 0, immature 0, deficit 0). The reconciliation below checks the wallet against the ledger.
  expect(metric(scraped, "kaspool_treasury_spendable_sompi")).toBeGreaterThanOrEqual(0);
  expect(metric(scraped, "kaspool_treasury_deficit_sompi")).toBe(0);
  expect(metric(scraped, "kaspool_paid_sompi_total")).toBeGreaterThanOrEqual(100_000_000);

  const db = await openDatabase({ url: backend.url!, embeddedPath: "memory://" });
  try {
    const [paid] = await db.query<{ wallet: string; amount: string; txid: string }>(
      "SELECT wallet, amount::text AS amount, txid FROM payments WHERE status = 'confirmed' ORDER BY id LIMIT 1");
    expect(paid!.wallet).toBe(MINER);
    expect(BigInt(paid!.amount)).toBeGreaterThanOrEqual(100_000_000n);
    // What the ledger credited minus what it paid is what the miner is still owed.
    const [sums] = await db.query<{ credited: string; paid: string; balance: string }>(
      `SELECT (SELECT coalesce(sum(amount), 0)::text FROM ledger WHERE wallet = $1 AND reason = 'block_credit') AS credited,
              (SELECT coalesce(sum(-amount), 0)::text FROM ledger WHERE wallet = $1 AND reason = 'payout') AS paid,
              (SELECT coalesce(sum(balance), 0)::text FROM miners_balance WHERE wallet = $1) AS balance`, [MINER]);
    expect(BigInt(sums!.credited) - BigInt(sums!.paid)).toBe(BigInt(sums!.balance));
  } finally {
    await db.close();
  }

  // The reconciliation, as an operator runs it beside the pool: no key needed. A block the chain matured a moment
  // ago but the tracker (a pass every 2 s) has not credited yet is a surplus for those seconds: ask again.
  const devnetUrl = /devnet node started url=(\S+)/.exec(pool.stdout())![1]!;
  const beside = join(tmp.dir, "treasury.json");
  writeFileSync(beside, JSON.stringify({ ...config, node: { urls: [devnetUrl] } }));
  let treasury = Bun.spawnSync(["bun", "run", "index.ts", "treasury", "--config", beside], { env });
  for (let i = 0; i < 5 && treasury.exitCode !== 0; i++) {
    await Bun.sleep(2_000);
    treasury = Bun.spawnSync(["bun", "run", "index.ts", "treasury", "--config", beside], { env });
  }
  const report = treasury.stdout.toString();
  expect(report).toContain(`treasury ${TREASURY}`);
  expect(report).toMatch(/deficit 0\.00000000/);
  expect(report).toMatch(/unexplained surplus 0\.00000000/);
  expect(treasury.exitCode).toBe(0);

  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  await pool.drained;
  expect(pool.output()).not.toContain(key);
}, 180_000);
