// `index.ts --devnet` with PUSHGATEWAY set, against Debian's real Pushgateway: the pool pushes its registry as job
// mining_metrics, instance <hostname>, with a CPU miner's shares in it, and deletes the group when SIGTERM stops it.

import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { startMiner } from "../../src/miner/index.ts";

const PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";
const present = existsSync(PUSHGATEWAY);
if (!present) console.warn(`SKIP pushgateway e2e: ${PUSHGATEWAY} is missing (apt-get install prometheus-pushgateway)`);

const dir = mkdtempSync(join(tmpdir(), "kaspool-push-e2e-"));
const children: Array<ReturnType<typeof Bun.spawn>> = [];
afterAll(async () => {
  for (const c of children) c.kill();
  await Promise.all(children.map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

test.skipIf(!present)("the pool pushes to a real Pushgateway while it runs and deletes its group on SIGTERM", async () => {
  const gatewayPort = freePort();
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  children.push(Bun.spawn([PUSHGATEWAY, `--web.listen-address=127.0.0.1:${gatewayPort}`], { stdout: "ignore", stderr: "ignore" }));
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify({
    node: { urls: [`ws://127.0.0.1:${freePort()}`] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { port: 0 },
    database: { embeddedPath: join(dir, "db") },
    metrics: { workerSeries: false, maxWorkerSeries: 10, pushIntervalSeconds: 1, legacyNames: false },
  }));
  const pool = Bun.spawn(["bun", "run", "index.ts", "--devnet", "--config", configFile], {
    env: { ...process.env, DATABASE_URL: "", DEBUG: "", PUSHGATEWAY: gateway }, stdout: "pipe", stderr: "pipe",
  });
  children.push(pool);
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pool did not start:\n${output}`)), 30_000);
    void (async () => {
      for await (const chunk of pool.stdout) {
        output += new TextDecoder().decode(chunk);
        const m = output.match(/pool running .*stratum=(\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    })();
  });

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

  pool.kill("SIGTERM");
  expect(await pool.exited).toBe(0);
  expect(await new Response(pool.stderr).text()).not.toContain("    at ");
  const left = await (await fetch(`${gateway}/metrics`)).text();
  expect(left).not.toContain(instance);
}, 90_000);
