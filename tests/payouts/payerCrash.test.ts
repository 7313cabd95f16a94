// kill -9 of `index.ts payer` at each point that splits a payout (batch committed, broadcast, accepted but not yet
// marked), then a restart on the same Postgres database: every wallet is paid exactly once, counted on the
// devnet's chain, and the batch is settled with the txid it was written with. Then a node restart that loses the
// mempool right after the broadcast: the same bytes go out again.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import type { Devnet } from "../../src/devnet/index.ts";
import { NodeClient } from "../../src/node/client.ts";
import { NodeTimeoutError } from "../../src/node/errors.ts";
import { createPostgresDatabase, type TestBackend } from "../db/backends.ts";
import { WsClient } from "../devnet/wsClient.ts";
import { until } from "../node/scriptedNode.ts";
import { address, KAS, TREASURY_KEY } from "../treasury/fixtures.ts";
import { startPayerRig, type PayerRig } from "./fixture.ts";

const MATURITY = 5;
const tmp = mkdtempSync(join(tmpdir(), "kaspool-payercrash-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
});


function payer(configFile: string, databaseUrl: string, crashAfter?: string) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), DATABASE_URL: databaseUrl, TREASURY_PRIVATE_KEY: bytesToHex(TREASURY_KEY), DEBUG: "" };
  if (crashAfter) env.KASPOOL_PAYER_CRASH_AFTER = crashAfter;
  else delete env.KASPOOL_PAYER_CRASH_AFTER;
  return Bun.spawn(["bun", "run", "index.ts", "payer", "--config", configFile], { env, stdout: "pipe", stderr: "pipe" });
}

async function scenario(step: "written" | "broadcast" | "accepted", backend: TestBackend, rig: PayerRig, n: number) {
  const { devnet, db } = rig;
  const wallets = [address(100 + n * 2), address(101 + n * 2)];
  const amounts = [3n * KAS, 5n * KAS];
  await rig.credit(...wallets.map((wallet, i) => ({ wallet, amount: amounts[i]! })));
  rig.fund(9n * KAS);
  await rig.mature();

  const file = join(tmp, `config-${step}.json`);
  writeFileSync(file, JSON.stringify({
    network: "devnet", node: { urls: [devnet.url] },
    treasury: { coinbaseMaturity: MATURITY }, payments: { intervalMinutes: 0.01, thresholdKas: 1 },
  }));
  const crashing = payer(file, backend.url!, step);
  cleanups.push(async () => void crashing.kill("SIGKILL"));
  expect(await crashing.exited).not.toBe(0);
  expect(crashing.signalCode).toBe("SIGKILL");

  const [batch] = await db.query<{ id: string; txid: string }>(
    "SELECT b.id::text AS id, a.txid FROM payment_batches b JOIN payment_attempts a ON a.batch_id = b.id ORDER BY b.id DESC LIMIT 1");
  expect(batch).toBeDefined();
  const again = payer(file, backend.url!);
  cleanups.push(async () => void again.kill("SIGKILL"));
  await until(async () =>
    (await db.query("SELECT 1 FROM payment_batches WHERE id = $1 AND status = 'accepted'", [batch!.id])).length === 1, 20_000, "the batch settled");
  again.kill("SIGTERM");
  expect(await again.exited).toBe(0);
  const logs = (await new Response(again.stdout).text()) + (await new Response(again.stderr).text());
  expect(logs).toContain("payer running");
  expect(logs).not.toContain(bytesToHex(TREASURY_KEY));

  for (const [i, wallet] of wallets.entries()) expect(await rig.chainBalance(wallet)).toBe(amounts[i]!);
  const [settled] = await db.query<{ n: string; txid: string }>(
    "SELECT count(*)::text AS n, min(accepted_txid) AS txid FROM payment_batches WHERE id >= $1", [batch!.id]);
  expect(settled).toEqual({ n: "1", txid: batch!.txid });
}

test("a payer killed after the commit, after the broadcast, or after acceptance pays every wallet exactly once", async () => {
  const backend = await createPostgresDatabase("payercrash");
  if (!backend) return;
  cleanups.push(() => backend.drop());
  const rig = await startPayerRig({ backend, maturity: MATURITY });
  cleanups.push(() => rig.stop());
  let n = 0;
  for (const step of ["written", "broadcast", "accepted"] as const) await scenario(step, backend, rig, n++);
}, 180_000);

test("a node restart that loses the mempool after the broadcast gets the same txid sent again and paid once", async () => {
  const rig = await startPayerRig({ bps: 2, maturity: 1 });
  const { devnet, db } = rig;
  try {
    const wallet = address(300);
    await rig.credit({ wallet, amount: 4n * KAS });
    rig.fund(5n * KAS);
    await rig.mature();
    let lostFromMempool = false;
    await rig.startPayer({
      onStep: async (step) => {
        if (step !== "broadcast" || lostFromMempool) return;
        // Between two ticks (2 BPS), so the transaction is still only in the mempool when the node goes down.
        await devnet.restart({ downMs: 100 });
        lostFromMempool = devnet.mempoolSize() === 0 && BigInt((await rawBalance(devnet, wallet))) === 0n;
      },
    });
    await rig.cycleUntil(async () =>
      (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1, "accepted", { retryFailed: true });
    await rig.stopPayer();
    expect(lostFromMempool).toBe(true);
    const attempts = await db.query<{ txid: string }>("SELECT txid FROM payment_attempts");
    expect(attempts).toHaveLength(1);
    const [batch] = await db.query<{ accepted_txid: string }>("SELECT accepted_txid FROM payment_batches");
    expect(batch!.accepted_txid).toBe(attempts[0]!.txid);
    expect(BigInt(await rawBalance(devnet, wallet))).toBe(4n * KAS);
  } finally {
    await rig.stop();
  }
}, 60_000);

/** The devnet's balance of an address over a connection of its own (the pool's client may be reconnecting). */
async function rawBalance(devnet: Devnet, wallet: string): Promise<string> {
  const c = await WsClient.connect(devnet.url);
  try {
    return String((await c.call("getBalanceByAddress", { address: wallet })).balance);
  } finally {
    c.close();
  }
}

/** A node whose submitTransaction replies never reach the payer: the request goes out, the reply times out. */
class DeafNode extends NodeClient {
  sent = 0;
  override async submitTransaction(tx: object): Promise<string> {
    this.sent++;
    void super.submitTransaction(tx).catch(() => {});
    throw new NodeTimeoutError("submitTransaction got no reply within 5000 ms");
  }
}

test("a submit that times out while the node accepted the transaction is not paid again", async () => {
  const rig = await startPayerRig({ maturity: 1, Node: DeafNode });
  const { devnet, node, db } = rig;
  try {
    const wallet = address(310);
    await rig.credit({ wallet, amount: 3n * KAS });
    rig.fund(5n * KAS);
    await rig.mature();
    await rig.startPayer();
    await rig.cycleUntil(async () => (await db.query("SELECT 1 FROM payment_batches WHERE status = 'accepted'")).length === 1, "accepted");
    // More cycles change nothing: the balance is paid and nothing is due.
    await rig.cycle();
    await rig.stopPayer();
    expect(node.sent).toBeGreaterThanOrEqual(1);
    expect(await db.query("SELECT txid FROM payment_attempts")).toHaveLength(1);
    expect(await db.query("SELECT id FROM payment_batches")).toHaveLength(1);
    expect(BigInt(await rawBalance(devnet, wallet))).toBe(3n * KAS);
  } finally {
    await rig.stop();
  }
}, 60_000);
