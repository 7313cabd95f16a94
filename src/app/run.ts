// Runs the pool: node client, accounting, stratum. Stops cleanly on SIGINT/SIGTERM, flushing shares first.

import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { createLogger, quietInfo, redactUrl } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import { openDatabase } from "../db/index.ts";
import { httpMetrics, PoolMetrics, startPushing, TreasuryMetrics } from "../metrics/index.ts";
import { startDevnet } from "../devnet/index.ts";
import { BlockSubmitter } from "../node/blockSubmitter.ts";
import { NodeClient } from "../node/client.ts";
import { checkNodeReady } from "../node/readiness.ts";
import { makeSigner } from "../payouts/planner.ts";
import { startPayerService } from "../payouts/service.ts";
import { startPoolAccounting } from "../pool/index.ts";
import { startBlockResubmission } from "../pool/resubmit.ts";
import { startApi } from "../api/server.ts";
import { startRetention } from "../shares/retention.ts";
import { startStratum } from "../stratum/index.ts";
import { loadCommandConfig } from "./commandConfig.ts";
import { keepServingThroughBackgroundFailures } from "./keepServing.ts";
import { statsFields } from "./statsLine.ts";
import { listenForStop, SHUTDOWN_BOUND_MS } from "./stopSignal.ts";

const log = createLogger("kaspool");

export interface RunOptions {
  configFile?: string;
  devnet: boolean;
  /** The devnet's network difficulty (share units); the demo raises it so its blocks stay few enough to read. */
  devnetDifficulty?: number;
  /** Called once the pool serves stratum and its API, with the ports they bound (a configured 0 is whichever the system gave). */
  onRunning?(running: { config: Config; stratumPorts: number[]; apiPort: number }): void;
}

export async function runPool(opts: RunOptions): Promise<number> {
  const config = loadCommandConfig(opts.configFile);
  if (!config) return 2;
  // The pool only needs the key to learn its address, except in the devnet demo, where it also runs the payer;
  // either way the key leaves the environment, so nothing downstream (a child process) can leak it.
  const payerKey = opts.devnet ? process.env.TREASURY_PRIVATE_KEY : undefined;
  delete process.env.TREASURY_PRIVATE_KEY;
  keepServingThroughBackgroundFailures(log);

  // Before starting anything, so a signal during start-up also stops cleanly (within SHUTDOWN_BOUND_MS).
  const signals = listenForStop(log);
  let stopStratum: () => Promise<void> = async () => {};

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log.error("stop failed", { error: String(e) }));
  };

  try {
    if (opts.devnet) {
      const url = new URL(config.node.urls[0]!);
      // Inside the pool the devnet's per-block lines would bury the pool's own; DEBUG=1 shows them.
      const devnet = await startDevnet({ port: Number(url.port), difficulty: opts.devnetDifficulty, maturity: config.treasury.coinbaseMaturity, log: quietInfo(log.child("devnet")) });
      stops.push(() => devnet.stop());
      // Port 0 (or none) lets the devnet take any free port, with no probe-then-bind race: the pool goes there.
      url.port = String(devnet.port);
      config.node.urls[0] = url.href;
      log.info("devnet node started", { url: devnet.url });
    }

    // Served at /metrics by the API, which also measures its own requests with it.
    const metrics = new PoolMetrics(config);
    const node = new NodeClient({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("node"), onRequest: metrics.rpc });
    node.on("disconnected", metrics.nodeDisconnected);
    metrics.attach({ node });
    node.start();
    stops.push(() => node.close());
    await Promise.race([waitUntilReady(node, config, signals.stopping), signals.received]);
    if (signals.stopping()) {
      await stopAll();
      log.info("stopped");
      return 0;
    }

    const db = await openDatabase({ url: config.database.url, embeddedPath: config.database.embeddedPath, log: log.child("db") });
    stops.push(() => db.close());
    // The spool lives beside the embedded database: the one folder an operator must keep across restarts.
    const spoolPath = join(dirname(config.database.embeddedPath), "shares.spool");
    const accounting = await startPoolAccounting({ db, node, config, spoolPath, log: log.child("pool"), onShareBatch: metrics.shareBatch });
    stops.push(() => accounting.stop());
    metrics.attach({ db, backlog: accounting.backlog });
    // Found blocks go to every node at once, over connections template traffic cannot hold up.
    const submitter = new BlockSubmitter({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("submit") });
    submitter.start();
    const resubmission = startBlockResubmission({ db, submitter, log: log.child("resubmit") });
    stops.push(() => resubmission.stop());
    // Closed before the loop stops (stops run in reverse): a pass waiting on a silent node then ends at once.
    stops.push(() => submitter.close());

    const stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: log.child("stratum"), observer: metrics.stratum });
    stops.push(() => stratum.stop());
    metrics.attach({ stratum });
    if (config.pushgateway) {
      const pusher = startPushing({
        url: config.pushgateway, registry: metrics.registry, intervalMs: config.metrics.pushIntervalSeconds * 1000, instance: hostname(), log: log.child("metrics"),
      });
      // Stops run in reverse: the group is deleted first, while everything it described is still up.
      stops.push(() => pusher.stop());
    }
    stopStratum = () => stratum.stop();
    log.info("pool running", { network: config.network, stratum: stratum.ports.join(","), pool: config.treasury.address });
    if (payerKey) {
      log.info("devnet demo: the payer runs in this process, signing with TREASURY_PRIVATE_KEY");
      // The wallet's figures join /metrics from the first reconciliation on, so none reads 0 before the wallet does.
      let treasury: TreasuryMetrics | null = null;
      const payer = await startPayerService({
        db, node, config, signer: makeSigner(payerKey, config), log: log.child("payer"), stopped: signals.stopping,
        onReconciled: (r) => (treasury ??= new TreasuryMetrics(metrics.registry)).update(r),
      });
      if (payer) stops.push(() => payer.stop());
    }
    const retention = startRetention({
      db, history: config.history, log: log.child("history"),
      // The node's difficulty is 2^255 / target; share units are 2^224 / target.
      windowWork: async () => (config.pplns.factor * (await node.getBlockDagInfo()).difficulty) / 2 ** 31,
    });
    stops.push(() => retention.stop());
    // A configured port 0 is whichever port the system gave: /config and /api/v1/pool announce the one miners reach.
    const bound = { ...config, stratum: { ...config.stratum, ports: config.stratum.ports.map((p, i) => ({ ...p, port: stratum.ports[i]! })) } };
    const api = startApi({
      db, config: bound, stats: () => stratum.stats(), dagInfo: () => node.getBlockDagInfo(),
      nodeProblem: () => checkNodeReady(node, config.network), templatesFresh: () => stratum.templatesFresh(), log: log.child("api"),
      metrics: () => metrics.response(), measure: httpMetrics(metrics),
    });
    stops.push(() => api.stop());
    log.info("api listening", { host: config.api.host, port: api.port });
    const startedAt = Date.now();
    const statsTimer = setInterval(() => log.info("stats", statsFields(stratum.stats(), (Date.now() - startedAt) / 1000)), STATS_LOG_MS);
    stops.push(async () => clearInterval(statsTimer));
    opts.onRunning?.({ config, stratumPorts: stratum.ports, apiPort: api.port });
  } catch (e) {
    log.error("start-up failed", { error: e instanceof Error ? e.message : String(e) });
    await stopAll();
    return 1;
  }

  log.info("stopping", { signal: await signals.received, boundSeconds: SHUTDOWN_BOUND_MS / 1000 });
  // Miners go first: no new connection or share while the rest stops. Then the payer finishes its cycle, the
  // recorder writes every share it acknowledged, and the database closes.
  if (!(await signals.bounded(stopStratum().then(stopAll)))) return 1;
  log.info("stopped");
  return 0;
}

/** The log shows the pool working even where no one scrapes its metrics. */
const STATS_LOG_MS = 60_000;

/** Mining on an unsynced node, one without a UTXO index or on the wrong network would waste work. */
export async function waitUntilReady(node: NodeClient, config: Config, stopped: () => boolean): Promise<void> {
  let lastReason = "";
  while (!stopped()) {
    try {
      await node.waitConnected(5_000);
      const reason = await checkNodeReady(node, config.network);
      if (!reason) return;
      if (reason !== lastReason) log.warn("node not ready for mining", { reason });
      lastReason = reason;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (reason !== lastReason) log.warn("waiting for the node", { urls: config.node.urls.map(redactUrl).join(","), reason });
      lastReason = reason;
    }
    await Bun.sleep(2_000);
  }
}
