// `index.ts --devnet` with PUSHGATEWAY set, against Debian's real Pushgateway: the pool pushes its registry as job
// mining_metrics, instance <hostname>, with a CPU miner's shares in it, and deletes the group when SIGTERM stops it.

import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { startMiner } from "../../src/miner/index.ts";
import { freePort } from "../common/ports.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";

const PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";
const present = existsSync(PUSHGATEWAY);
if (!present) console.warn(`SKIP pushgateway e2e: ${PUSHGATEWAY} is missing (apt-get install prometheus-pushgateway)`);

const files = scratch("push-e2e");

test.skipIf(!present)("the pool pushes to a real Pushgateway while it runs and deletes its group on SIGTERM", async () => {
  const gatewayPort = freePort();
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  files.child(Bun.spawn([PUSHGATEWAY, `--web.listen-address=127.0.0.1:${gatewayPort}`], { stdout: "ignore", stderr: "ignore" }));
  const configFile = writeDevnetConfig(files.dir, {
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    metrics: { workerSeries: false, maxWorkerSeries: 10, pushIntervalSeconds: 1, legacyNames: false },
  });
  const pool = spawnPool(files, { configFile, databaseUrl: "", env: { PUSHGATEWAY: gateway } });
  const port = await pool.stratumPort(30_000);

  const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${port}`, user: "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3.push" });
  await miner.firstAccepted;
  const instance = `instance="${hostname()}"`;
  const pushedShares = async () => {
    const text = await (await fetch(`${gateway}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith("kaspool_shares_accepted_total{") && l.includes(instance) && l.includes('job="mining_metrics"'));
    return line ? Number(line.split(" ").at(-1)) : 0;
  };
  const deadline = Date.now() + 15_000;
  while ((await pushedShares()) < 1 && Date.now() < deadline) await Bun.sleep(200);
  await miner.stop();
  expect(await pushedShares()).toBeGreaterThanOrEqual(1);

  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
  await pool.drained;
  expect(pool.stderr()).not.toContain("    at ");
  const left = await (await fetch(`${gateway}/metrics`)).text();
  expect(left).not.toContain(instance);
}, 90_000);
