// Runs the pool: node client, accounting, stratum. Stops cleanly on SIGINT/SIGTERM, flushing shares first.

import { dirname, join } from "node:path";
import { formatHashrate } from "../common/hashrate.ts";
import { createLogger } from "../common/log.ts";
import { ConfigError, loadConfig } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { openDatabase } from "../db/index.ts";
import { startDevnet } from "../devnet/index.ts";
import { BlockSubmitter } from "../node/blockSubmitter.ts";
import { NodeClient } from "../node/client.ts";
import { checkNodeReady } from "../node/readiness.ts";
import { startPoolAccounting } from "../pool/index.ts";
import { startBlockResubmission } from "../pool/resubmit.ts";
import { startApi } from "../api/server.ts";
import { startRetention } from "../shares/retention.ts";
import { startStratum, type StratumStats } from "../stratum/index.ts";
import { keepServingThroughBackgroundFailures } from "./keepServing.ts";

const log = createLogger("kaspool");

export interface RunOptions {
  configFile?: string;
  devnet: boolean;
}

export async function runPool(opts: RunOptions): Promise<number> {
  let config: Config;
  try {
    config = loadConfig({ file: opts.configFile });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`config error: ${e.message}`);
    return 2;
  }
  // The pool process only needed the key to learn its address; drop it so nothing downstream can leak it.
  delete process.env.TREASURY_PRIVATE_KEY;
  if (config.debug) process.env.DEBUG ??= "1";
  keepServingThroughBackgroundFailures(log);

  // Listen before starting anything, so a signal during start-up also stops cleanly.
  let signalled: string | null = null;
  const signal = new Promise<string>((resolve) => {
    const on = (name: string) => () => resolve((signalled = name));
    process.once("SIGINT", on("SIGINT"));
    process.once("SIGTERM", on("SIGTERM"));
  });

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log.error("stop failed", { error: String(e) }));
  };

  try {
    if (opts.devnet) {
      const port = Number(new URL(config.node.urls[0]!).port);
      const devnet = await startDevnet({ port, maturity: config.treasury.coinbaseMaturity, log: log.child("devnet") });
      stops.push(() => devnet.stop());
      log.info("devnet node started", { url: devnet.url });
    }

    const node = new NodeClient({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("node") });
    node.start();
    stops.push(() => node.close());
    await Promise.race([waitUntilReady(node, config, () => signalled !== null), signal]);
    if (signalled) {
      await stopAll();
      return 0;
    }

    const db = await openDatabase({ url: config.database.url, embeddedPath: config.database.embeddedPath, log: log.child("db") });
    stops.push(() => db.close());
    // The spool lives beside the embedded database: the one folder an operator must keep across restarts.
    const spoolPath = join(dirname(config.database.embeddedPath), "shares.spool");
    const accounting = await startPoolAccounting({ db, node, config, spoolPath, log: log.child("pool") });
    stops.push(() => accounting.stop());
    // Found blocks go to every node at once, over connections template traffic cannot hold up.
    const submitter = new BlockSubmitter({ urls: config.node.urls, requestTimeoutMs: config.node.requestTimeoutMs, log: log.child("submit") });
    submitter.start();
    const resubmission = startBlockResubmission({ db, submitter, log: log.child("resubmit") });
    stops.push(() => resubmission.stop());
    // Closed before the loop stops (stops run in reverse): a pass waiting on a silent node then ends at once.
    stops.push(() => submitter.close());

    const stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: log.child("stratum") });
    stops.push(() => stratum.stop());
    log.info("pool running", { network: config.network, stratum: stratum.ports.join(","), pool: config.treasury.address });
    const retention = startRetention({
      db, history: config.history, log: log.child("history"),
      // The node's difficulty is 2^255 / target; share units are 2^224 / target.
      windowWork: async () => (config.pplns.factor * (await node.getBlockDagInfo()).difficulty) / 2 ** 31,
    });
    stops.push(() => retention.stop());
    const api = startApi({
      db, config, stats: () => stratum.stats(), dagInfo: () => node.getBlockDagInfo(),
      nodeProblem: () => checkNodeReady(node, config.network), templatesFresh: () => stratum.templatesFresh(), log: log.child("api"),
    });
    stops.push(() => api.stop());
    log.info("api listening", { host: config.api.host, port: api.port });
    const statsTimer = setInterval(() => logStats(stratum.stats()), STATS_LOG_MS);
    stops.push(async () => clearInterval(statsTimer));
  } catch (e) {
    log.error("start-up failed", { error: e instanceof Error ? e.message : String(e) });
    await stopAll();
    return 1;
  }

  log.info("stopping", { signal: await signal });
  await stopAll();
  return 0;
}

/** Until the API and metrics land, the log is where an operator sees the pool working. */
const STATS_LOG_MS = 60_000;

function logStats(s: StratumStats): void {
  const rejected = Object.values(s.shares.rejected).reduce((a, b) => a + b, 0);
  log.info("stats", {
    connections: s.connections, workers: s.workers.length, hashrate: formatHashrate(s.hashrate),
    accepted: s.shares.accepted, rejected, blocks: s.blocks.accepted,
  });
}

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
      if (reason !== lastReason) log.warn("waiting for the node", { urls: config.node.urls.join(","), reason });
      lastReason = reason;
    }
    await Bun.sleep(2_000);
  }
}
