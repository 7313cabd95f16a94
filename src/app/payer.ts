// `index.ts payer`: the only process that holds TREASURY_PRIVATE_KEY. `index.ts treasury`: one reconciliation.

import { hostname } from "node:os";
import { createLogger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import { openDatabase } from "../db/index.ts";
import { startPushing, TreasuryMetrics, type Pusher } from "../metrics/index.ts";
import { NodeClient } from "../node/client.ts";
import { startPayerService } from "../payouts/service.ts";
import { makeSigner } from "../payouts/planner.ts";
import { maturityMargin, type PayerOptions } from "../payouts/payer.ts";
import type { Reconciliation } from "../treasury/holdings.ts";
import { formatReconciliation, reconcileTreasury } from "../treasury/position.ts";
import { TreasuryWatcher } from "../treasury/watcher.ts";
import { loadCommandConfig } from "./commandConfig.ts";
import { waitUntilReady } from "./run.ts";
import { listenForStop, type StopSignal } from "./stopSignal.ts";

const log = createLogger("kaspool");

export async function runPayer(opts: { configFile?: string }): Promise<number> {
  const key = process.env.TREASURY_PRIVATE_KEY;
  if (!key) {
    console.error("payer: TREASURY_PRIVATE_KEY is not set; the payer signs payouts with the pool wallet's key");
    return 2;
  }
  const config = loadCommandConfig(opts.configFile);
  // Nothing started from here on (a child process, a library reading the environment) may see the key.
  delete process.env.TREASURY_PRIVATE_KEY;
  if (!config) return 2;
  if (!config.database.url) {
    console.error("payer: needs Postgres (DATABASE_URL); the embedded database belongs to the pool process, and `bun run index.ts --devnet` runs the payer inside it");
    return 2;
  }
  const signals = listenForStop(log);
  const node = new NodeClient({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("node") });
  node.start();
  try {
    const work = (async () => {
      await Promise.race([waitUntilReady(node, config, signals.stopping), signals.received]);
      if (!signals.stopping()) await pay(key, config, node, signals);
    })();
    if (!(await signals.bounded(work))) return 1;
  } catch (e) {
    log.error("payer failed", { error: e instanceof Error ? e.message : String(e) });
    return 1;
  } finally {
    await node.close();
  }
  log.info("payer stopped");
  return 0;
}

/** Pays until a signal, then finishes the cycle under way (a payout cut short is settled at the next start). */
async function pay(key: string, config: Config, node: NodeClient, signals: StopSignal): Promise<void> {
  const db = await openDatabase({ url: config.database.url, embeddedPath: config.database.embeddedPath, log: log.child("db") });
  const treasury = config.pushgateway ? treasuryPush(config.pushgateway, config.metrics.pushIntervalSeconds) : null;
  try {
    const service = await startPayerService({
      db, node, config, signer: makeSigner(key, config), log: log.child("payer"),
      stopped: signals.stopping, onStep: crashHook(process.env.KASPOOL_PAYER_CRASH_AFTER), onReconciled: treasury?.update,
    });
    if (service) {
      log.info("payer running", { pool: config.treasury.address, everyMinutes: config.payments.intervalMinutes });
      log.info("payer stopping", { signal: await signals.received });
      await service.stop();
    }
  } finally {
    await treasury?.stop();
    await db.close();
  }
}

/**
 * The wallet's figures go to the Pushgateway under instance `<host>-payer`, beside the pool's own group. Pushing
 * starts with the first reconciliation, so the gateway never shows zeros for a wallet not yet read.
 */
function treasuryPush(url: string, intervalSeconds: number): { update(r: Reconciliation): void; stop(): Promise<void> } {
  const metrics = new TreasuryMetrics();
  let pusher: Pusher | null = null;
  return {
    update(r) {
      metrics.update(r);
      pusher ??= startPushing({ url, registry: metrics.registry, intervalMs: intervalSeconds * 1000, instance: `${hostname()}-payer`, log: log.child("metrics") });
    },
    stop: async () => void (await pusher?.stop()),
  };
}

/** The crash tests stop the payer with SIGKILL at one of the points that split a payout. */
function crashHook(step: string | undefined): PayerOptions["onStep"] {
  if (!step) return undefined;
  return (at) => {
    if (at === step) process.kill(process.pid, "SIGKILL");
  };
}

/** Prints the treasury figures; exit 1 when the pool owes more than it holds or holds an unexplained surplus. */
export async function runTreasury(opts: { configFile?: string }): Promise<number> {
  const config = loadCommandConfig(opts.configFile);
  delete process.env.TREASURY_PRIVATE_KEY;
  if (!config) return 2;
  const node = new NodeClient({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("node") });
  node.start();
  try {
    await node.waitConnected(config.node.requestTimeoutMs);
    const db = await openDatabase({ url: config.database.url, embeddedPath: config.database.embeddedPath });
    try {
      const watcher = new TreasuryWatcher(node, config.treasury.address, log);
      await watcher.resync();
      const maturity = BigInt(config.treasury.coinbaseMaturity);
      const r = await reconcileTreasury(db, watcher, maturity, maturityMargin(maturity));
      console.log(`treasury ${config.treasury.address}\n${formatReconciliation(r)}`);
      return r.deficit > 0n || r.surplus > 0n ? 1 : 0;
    } finally {
      await db.close();
    }
  } catch (e) {
    console.error(`treasury: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    await node.close();
  }
}
