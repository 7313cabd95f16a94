// The money path as an operator runs it: `bun run index.ts --devnet` with TREASURY_PRIVATE_KEY (the demo: the payer
// runs in the pool process), a CPU miner mining to its own address over TCP, blocks credited by PPLNS, a payout the
// devnet accepts; then `bun run index.ts treasury` reconciles the wallet with the ledger, and the key never shows.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { openDatabase } from "../../src/db/index.ts";
import { startMiner } from "../../src/miner/index.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { address, TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-payout-e2e-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

test("index.ts --devnet with the key: mined blocks are credited and paid on chain; the treasury reconciles", async () => {
  const backend = await createPostgresDatabase("payoute2e");
  if (!backend) return;
  cleanups.push(() => backend.drop());
  const file = join(dir, "config.json");
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
  const pool = Bun.spawn(["bun", "run", "index.ts", "--devnet", "--config", file], { env: { ...env, TREASURY_PRIVATE_KEY: key }, stdout: "pipe", stderr: "pipe" });
  cleanups.push(async () => void pool.kill("SIGKILL"));
  let out = "";
  const seen = (text: string, ms: number) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms:\n${out.slice(-3000)}`)), ms);
    const check = setInterval(() => {
      if (!out.includes(text)) return;
      clearTimeout(timer);
      clearInterval(check);
      resolve();
    }, 50);
  });
  void (async () => {
    for await (const chunk of pool.stdout) out += new TextDecoder().decode(chunk);
  })();
  await seen("pool running", 60_000);
  // The line after "pool running": waited for, not expected in the same read.
  await seen("the payer runs in this process", 10_000);
  const port = Number(/stratum=(\d+)/.exec(out)![1]);

  const MINER = address(77);
  const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${port}`, user: `${MINER}.rig` });
  cleanups.push(() => miner.stop());
  await seen("payout accepted", 120_000);
  await miner.stop();

  // The payer runs in the pool here, so the pool's /metrics carries the wallet's figures beside the database's.
  await seen("api listening", 10_000);
  const apiPort = Number(/api listening .*port=(\d+)/.exec(out)![1]);
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
  const devnetUrl = /devnet node started url=(\S+)/.exec(out)![1]!;
  const beside = join(dir, "treasury.json");
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

  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  const all = out + (await new Response(pool.stderr).text());
  expect(all).not.toContain(key);
}, 180_000);
