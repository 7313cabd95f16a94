// `bun run demo [--data DIR] [--free-ports]`: the whole pool on one machine, for a newcomer. A devnet, the pool on
// its embedded database in a demo folder, the payer with a throwaway key, and two CPU miners (IceRiver- and
// lolMiner-style) mining to two demo wallets. Within about two minutes the log shows shares, a block, its credit
// by PPLNS and a payout, and the dashboard's URL. Ctrl-C stops everything.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatHashrate } from "../common/hashrate.ts";
import { createLogger } from "../common/log.ts";
import { startMiner, type Miner } from "../miner/index.ts";
import { DEMO_MINERS, DEMO_NETWORK_DIFFICULTY, demoConfig, demoTreasuryKey, type DemoPorts } from "./demoSetup.ts";
import { runPool } from "./run.ts";

const log = createLogger("demo");
const MINER_REPORT_MS = 30_000;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { data: { type: "string" }, "free-ports": { type: "boolean" } }, strict: true });
  const dataDir = resolve(values.data ?? "data/demo");
  // The devnet's chain lives in memory, so last run's blocks and balances would point at nothing: start afresh.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // Port 0: the devnet, stratum and API each bind any free port themselves and the pool reports which (no
  // probe-then-bind race with whatever else runs on the machine).
  const ports: DemoPorts = values["free-ports"] ? { node: 0, stratum: 0, api: 0 } : { node: 18610, stratum: 5555, api: 8080 };
  const configFile = join(dataDir, "config.json");
  writeFileSync(configFile, JSON.stringify(demoConfig(dataDir, ports), null, 2));

  const key = demoTreasuryKey();
  // The demo runs on its own settings: an operator's database or node must not receive demo blocks and payouts.
  delete process.env.DATABASE_URL;
  delete process.env.NODE_URL;
  process.env.TREASURY_PRIVATE_KEY = key;
  log.info("demo key, devnet only, never use it for real funds", { key });
  log.info("demo data and configuration", { dir: dataDir, config: configFile });

  const miners: Miner[] = [];
  let reports: ReturnType<typeof setInterval> | null = null;
  const stopMiners = () => {
    if (reports) clearInterval(reports);
    return Promise.all(miners.map((m) => m.stop()));
  };
  // Registered before runPool's own handlers, and run in the same tick: the miners stop with the pool, not after it.
  process.once("SIGINT", () => void stopMiners());
  process.once("SIGTERM", () => void stopMiners());

  const code = await runPool({
    configFile,
    devnet: true,
    devnetDifficulty: DEMO_NETWORK_DIFFICULTY,
    onRunning: ({ config, stratumPorts, apiPort }) => {
      void (async () => {
        const url = `stratum+tcp://127.0.0.1:${stratumPorts[0]}`;
        for (const m of DEMO_MINERS) {
          const minerLog = log.child(m.name);
          const miner = await startMiner({ url, user: `${m.address}.${m.name}`, agent: m.agent, log: minerLog });
          miners.push(miner);
          void miner.firstAccepted.then(() => minerLog.info("shares accepted by the pool", { wallet: m.address, agent: m.agent }));
        }
        let last = { at: performance.now(), hashes: 0 };
        reports = setInterval(() => {
          const now = performance.now();
          const hashes = miners.reduce((s, m) => s + m.stats().hashes, 0);
          const accepted = miners.map((m, i) => `${DEMO_MINERS[i]!.name} ${m.stats().accepted}`).join(", ");
          log.info("miners", { hashrate: formatHashrate(((hashes - last.hashes) * 1000) / (now - last.at)), accepted });
          last = { at: now, hashes };
        }, MINER_REPORT_MS);
        await announceDashboard(`http://${config.api.host}:${apiPort}/`);
      })().catch((e) => log.error("demo miners failed to start", { error: (e as Error).message }));
    },
  });
  await stopMiners();
  log.info("stopped", { code });
  return code;
}

/** Prints the dashboard's URL once it answers. */
async function announceDashboard(url: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return log.info("dashboard", { url });
    } catch {
      // not listening yet
    }
    await Bun.sleep(500);
  }
  log.warn("the dashboard does not answer", { url });
}

main().then((code) => process.exit(code), (e) => {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
