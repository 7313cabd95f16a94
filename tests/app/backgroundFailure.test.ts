// A background job that fails must not stop the pool: `bun run index.ts --devnet` with a preloaded hook that,
// on SIGUSR2, makes one job reject unawaited and another throw from a timer. The pool logs both, keeps serving
// miners and still stops cleanly.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { LineSocket } from "../../src/miner/lineSocket.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";

const HOOK = join(import.meta.dir, "fixtures", "failOnSignal.ts");
const ADDRESS = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";
const files = scratch("bgfail");

/** Resolves once a fresh miner connection is sent a job. */
async function getsAJob(port: number): Promise<boolean> {
  let got!: (v: boolean) => void;
  const job = new Promise<boolean>((r) => (got = r));
  const conn = await LineSocket.connect({ host: "127.0.0.1", port }, {
    line: (text) => void (text.includes("mining.notify") && got(true)),
    closed: () => got(false),
  });
  conn.send(`{"id":1,"method":"mining.subscribe","params":["kaspool-test/1.0"]}\n`);
  conn.send(`{"id":2,"method":"mining.authorize","params":["${ADDRESS}.bg","x"]}\n`);
  const timer = setTimeout(() => got(false), 10_000);
  const ok = await job;
  clearTimeout(timer);
  conn.close();
  return ok;
}

test("a background job that rejects or throws is logged and the pool keeps serving", async () => {
  const configFile = writeDevnetConfig(files.dir, {
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    treasury: { address: ADDRESS },
  });
  const pool = spawnPool(files, { configFile, databaseUrl: "", preload: HOOK });
  const { proc, waitFor, drained } = pool;

  const running = await waitFor(/pool running .*stratum=(\d+)/, 30_000);
  expect(running, pool.output()).not.toBeNull();
  proc.kill("SIGUSR2");
  await waitFor(/test job threw/, 5_000);
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(1_000).then(() => false)]);

  expect(exited, pool.output()).toBe(false);
  const log = pool.output();
  expect(log).toMatch(/ERROR .*background job failed \(unhandled rejection\); still serving error=test job rejected/);
  expect(log).toMatch(/ERROR .*background job failed \(uncaught exception\); still serving error=test job threw/);
  expect(await getsAJob(Number(running![1]))).toBe(true);

  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  await drained;
}, 60_000);
