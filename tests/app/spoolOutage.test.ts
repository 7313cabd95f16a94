// A background job that fails must not stop the pool. `bun run index.ts --devnet` runs on Postgres behind a
// proxy; the proxy is cut, so shares go to the spool, and the spool is then torn the way a crash mid-append
// tears it. The retry timer keeps failing over that spool while the database is away; the pool must keep
// serving, and once the database is back every acknowledged share must be stored exactly once.

import { expect, test } from "bun:test";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { parseJson } from "../../src/common/json.ts";
import { openDatabase } from "../../src/db/index.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { decodeJobParams } from "../../src/miner/jobParams.ts";
import { LineSocket } from "../../src/miner/lineSocket.ts";
import { formatNonce } from "../../src/miner/nonce.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { proxyPostgres } from "../shares/tcpProxy.ts";

const ADDRESS = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";
const SHARE_DIFFICULTY = 1e-9;

const files = scratch("spool-outage");

/** One miner connection that submits nonces it found valid for its job and reports the pool's answers. */
async function connectMiner(port: number) {
  const answers = new Map<number, (ok: boolean) => void>();
  let gotJob!: (params: unknown) => void;
  const job = new Promise<unknown>((r) => (gotJob = r));
  const conn = await LineSocket.connect({ host: "127.0.0.1", port }, {
    line(text) {
      const msg = parseJson(text) as { id?: number | null; method?: string; params?: unknown[]; result?: unknown };
      if (msg.method === "mining.notify") gotJob(msg.params);
      else if (typeof msg.id === "number") answers.get(msg.id)?.(msg.result === true);
    },
    closed() {},
  });
  conn.send(`{"id":1,"method":"mining.subscribe","params":["kaspool-test/1.0"]}\n`);
  conn.send(`{"id":2,"method":"mining.authorize","params":["${ADDRESS}.torn","x"]}\n`);
  const params = (await job) as unknown[];
  const jobId = String(params[0]);
  const { prePowHash, timestamp } = decodeJobParams(params, "words");
  const state = new PowState(prePowHash, timestamp);
  const target = difficultyToTarget(SHARE_DIFFICULTY);
  let nonce = BigInt(Math.floor(Math.random() * 2 ** 40)) << 20n;
  let id = 10;
  return {
    conn,
    /** Submits the next valid nonce; resolves with it and whether the pool accepted it. */
    async submit(): Promise<{ nonce: bigint; ok: boolean }> {
      while (state.pow(++nonce) >= target);
      const n = nonce;
      const ok = new Promise<boolean>((r) => answers.set(++id, r));
      conn.send(`{"id":${id},"method":"mining.submit","params":["${ADDRESS}.torn","${jobId}","${formatNonce(n)}"]}\n`);
      return { nonce: n, ok: await ok };
    },
  };
}

const postgres = await createPostgresDatabase("spooloutage");
if (postgres) files.defer(() => postgres.drop());

test.skipIf(!postgres)("the pool keeps serving while its spool retry fails, and stores every share once the database is back", async () => {
  const { proxy, url: viaProxy } = proxyPostgres(postgres!.url!);
  files.defer(() => proxy.stop());

  const configFile = writeDevnetConfig(files.dir, {
    stratum: {
      host: "127.0.0.1",
      ports: [{ port: 0, mode: "pplns", difficulty: SHARE_DIFFICULTY, vardiff: false, encoding: "words" }],
      jobThrottleMs: 600_000,
      extranonceSize: 0,
    },
    treasury: { address: ADDRESS, coinbaseMaturity: 10 },
  });
  const pool = spawnPool(files, { configFile, databaseUrl: viaProxy });
  const { proc, waitFor, drained } = pool;

  const running = await waitFor(/pool running .*stratum=(\d+)/, 30_000);
  expect(running, pool.output()).not.toBeNull();
  const miner = await connectMiner(Number(running![1]));
  files.defer(() => miner.conn.close());

  proxy.cut();
  const a = await miner.submit();
  expect(a.ok).toBe(true);
  // The tail a crash in the middle of an append leaves behind.
  appendFileSync(join(files.dir, "shares.spool"), '{"kind":"share","share":{"address":"kaspadev:q');
  const b = await miner.submit();
  expect(b.ok).toBe(true);

  // The spool retry (every 5 s) runs over the torn spool with the database still away.
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(6_500).then(() => false)]);
  expect(exited, pool.output()).toBe(false);
  const c = await miner.submit();
  expect(c.ok).toBe(true);

  proxy.restore();
  expect(await waitFor(/spool replayed into the database/, 15_000), pool.output()).not.toBeNull();
  // The line the torn tail and share b made was moved aside, and b recovered from it.
  expect(pool.output()).toContain("spool lines that do not parse moved to quarantine");
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  await drained;

  const db = await openDatabase({ url: postgres!.url, embeddedPath: "memory://" });
  try {
    const rows = await db.query<{ nonce: string }>("SELECT nonce::text AS nonce FROM shares WHERE worker = 'torn'");
    expect(rows.map((r) => BigInt(r.nonce)).sort()).toEqual([a.nonce, b.nonce, c.nonce].sort());
  } finally {
    await db.close();
  }
}, 90_000);
