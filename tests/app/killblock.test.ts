// kill -9 while a found block is at the node: `bun run index.ts` mines on a real devnet through a relay that passes
// the block to the node but keeps back the node's answer. The pool is SIGKILLed while it waits for that answer (the
// node has the block; its coinbase pays the pool), then restarted on the same database against the node, which now
// answers: the block must be recorded once and followed to its credit. Embedded PGlite and Postgres.

import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase } from "../../src/db/index.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";
import { createPgliteDatabase, createPostgresDatabase, type TestBackend } from "../db/backends.ts";
import { HoldingRelay } from "../node/holdingRelay.ts";
import { until } from "../node/scriptedNode.ts";
import { blockShare } from "../pool/scriptedPool.ts";
import { POOL_ADDRESS } from "../stratum/harness.ts";

const files = scratch("killblock");

async function blockStatus(apiPort: number, hash: string): Promise<string | null> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/pool/blocks/${hash}`);
  return res.ok ? ((await res.json()) as { status: string }).status : null;
}

async function killDuringSubmission(backend: TestBackend, dir: string): Promise<void> {
  // Every share at the port's difficulty also meets the network's: the miner's first share is a block.
  const devnet = await startDevnet({ port: 0, difficulty: 1e-7, bps: 10, maturity: 10, log: silentLogger });
  files.defer(() => devnet.stop());
  const relay = new HoldingRelay(devnet.url).start();
  files.defer(() => relay.stop());
  const configFile = writeDevnetConfig(dir, {
    // The pool would wait this long for the node's answer: the kill lands well inside it.
    node: { urls: [relay.url], requestTimeoutMs: 60_000 },
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536, vardiff: false, encoding: "auto" }] },
    treasury: { address: POOL_ADDRESS, coinbaseMaturity: 10 },
  });
  const spawn = () => spawnPool(files, { configFile, databaseUrl: backend.url ?? "", devnet: false });

  const first = spawn();
  const { client, submit } = await blockShare(await first.stratumPort(30_000));
  submit();
  const ours = () => devnet.acceptedBlocks().filter((b) => b.payAddress === POOL_ADDRESS);
  await until(() => ours().length === 1, 15_000, "the node to take the pool's block");
  expect(relay.submitted).toBe(1);
  first.proc.kill("SIGKILL");
  expect(await first.proc.exited).not.toBe(0);
  client.close();
  const hash = ours()[0]!.hash;

  // Up again on the same database; the node answers now, as it does for a block it has: success.
  relay.hold = false;
  const second = spawn();
  const apiPort = await second.apiPort(30_000);
  let status: string | null = null;
  await until(async () => (status = await blockStatus(apiPort, hash)) === "credited", 90_000, "the block to be credited")
    .catch((err) => {
      throw new Error(`${(err as Error).message}; last status ${status}\n${first.output()}\n--- restarted ---\n${second.output()}`);
    });
  second.proc.kill("SIGTERM");
  expect(await second.proc.exited).toBe(0);

  const db = await openDatabase({ url: backend.url, embeddedPath: backend.embeddedPath });
  try {
    const blocks = await db.query<{ hash: string; status: string; pending: boolean }>(
      "SELECT hash, status, pending_block IS NOT NULL AS pending FROM blocks",
    );
    expect(blocks).toEqual([{ hash, status: "credited", pending: false }]);
    const credits = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM ledger WHERE block_hash = $1", [hash]);
    expect(Number(credits[0]!.n)).toBeGreaterThan(0);
  } finally {
    await db.close();
  }
}

test("pglite: a block at the node when the pool is killed is recorded and credited after the restart", async () => {
  const dir = mkdtempSync(join(files.dir, "pglite-"));
  await killDuringSubmission({ ...createPgliteDatabase(), embeddedPath: join(dir, "db") }, dir);
}, 180_000);

const postgres = await createPostgresDatabase("killblock");
if (postgres) files.defer(() => postgres.drop());

test.skipIf(!postgres)("postgres: a block at the node when the pool is killed is recorded and credited after the restart", async () => {
  await killDuringSubmission(postgres!, mkdtempSync(join(files.dir, "pg-")));
}, 180_000);
