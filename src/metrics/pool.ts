// Every kaspool_ metric in one registry. Events (shares, blocks, RPC replies) only bump counters and histograms;
// gauges are read in collect() from figures the pool already keeps, so a scrape costs the share path nothing.

import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { BLOCKS_PER_SECOND } from "../api/network.ts";
import type { Config } from "../config/types.ts";
import { HASHES_PER_SHARE_UNIT } from "../kaspa/target.ts";
import type { Mode, ObservedReject, StratumObserver, WorkerRef } from "../stratum/observer.ts";
import type { StratumStats, WorkerStats } from "../stratum/stats.ts";
import { HttpMetrics } from "./http.ts";
import { addDatabaseGauges, type MetricsDatabase } from "./ledgerGauges.ts";
import { addLegacyGauges } from "./legacy.ts";
import { addProcessMetrics, METRIC_PREFIX, metricsResponse, secondsBuckets } from "./registry.ts";
import { outcomeOf, WorkerSeries, type WorkerEntry } from "./workers.ts";

/** What the gauges read; each part may come later (stratum starts after the node is ready). */
export interface MetricsSources {
  stratum?: { stats(): StratumStats; bannedIps(): number };
  /** Shares and blocks accepted but not yet in the database. */
  backlog?: () => number;
  db?: MetricsDatabase;
  node?: { readonly connected: boolean };
}

export type MetricsConfig = Pick<Config, "metrics" | "treasury" | "stratum">;

export class PoolMetrics {
  readonly registry = new Registry();
  readonly workers: WorkerSeries | null;
  private sources: MetricsSources = {};
  private lastJobAt = 0;

  private readonly accepted; private readonly rejected; private readonly work; private readonly connections;
  private readonly disconnects; private readonly jobs; private readonly broadcastSeconds; private readonly rpcSeconds;
  private readonly reconnects; private readonly netHashrate; private readonly netDifficulty; private readonly netDaa;
  private readonly blocksFound; private readonly blocksSubmitted; private readonly validationSeconds;
  private readonly submitSeconds; private readonly commitSeconds; private readonly commitBatch;
  private readonly httpRequests;

  constructor(private readonly config: MetricsConfig, private readonly clock: () => number = Date.now) {
    const m = config.metrics;
    this.workers = m.workerSeries || m.legacyNames ? new WorkerSeries(m.maxWorkerSeries) : null;
    const r = [this.registry];
    const c = <L extends string>(name: string, help: string, labelNames: L[] = []) => new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: r });
    const h = <L extends string>(name: string, help: string, buckets: number[], labelNames: L[] = []) => new Histogram({ name: `${METRIC_PREFIX}${name}`, help, buckets, labelNames, registers: r });
    const g = <L extends string>(name: string, help: string, labelNames: L[], collect?: (this: Gauge<L>) => void | Promise<void>) =>
      new Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: r, collect });
    const self = this;

    this.accepted = c("shares_accepted_total", "Shares accepted and made durable.", ["mode", "port"]);
    this.rejected = c("shares_rejected_total", "Shares refused, by reason.", ["mode", "port", "reason"]);
    this.work = c("accepted_work_hashes_total", "Hashes the accepted shares stand for (difficulty × 2^32); rate() is the hashrate.", ["mode"]);
    g("pool_hashrate_hashes_per_second", "Hashrate of connected workers over the last 10 minutes.", ["mode"], function () {
      self.byMode(this, (ws) => ws.reduce((sum, w) => sum + w.hashrate, 0));
    });
    g("miners_active", "Addresses with a connected, authorized worker.", ["mode"], function () {
      self.byMode(this, (ws) => new Set(ws.map((w) => w.address)).size);
    });
    g("workers_active", "Connected, authorized workers (address.worker).", ["mode"], function () {
      self.byMode(this, (ws) => ws.length);
    });
    this.connections = g("stratum_connections", "Open stratum connections.", ["port"]);
    this.disconnects = c("stratum_disconnects_total", "Closed stratum connections, by which side closed.", ["port", "reason"]);
    g("stratum_banned_ips", "IPs banned for invalid shares right now.", [], function () {
      if (self.sources.stratum) this.set(self.sources.stratum.bannedIps());
    });

    g("template_age_seconds", "Seconds since the newest job reached its miners.", [], function () {
      if (self.lastJobAt) this.set((self.clock() - self.lastJobAt) / 1000);
    });
    this.jobs = c("jobs_broadcast_total", "Jobs sent to miners (one per new template and follower).");
    this.broadcastSeconds = h("job_broadcast_seconds", "From a template's arrival until its job reached every miner.", secondsBuckets);
    g("node_synced", "1 while the node is connected and its templates are fresh (younger than stratum.staleJobSeconds).", [], function () {
      const fresh = self.lastJobAt > 0 && self.clock() - self.lastJobAt < self.config.stratum.staleJobSeconds * 1000;
      this.set(self.sources.node?.connected && fresh ? 1 : 0);
    });
    this.rpcSeconds = h("node_rpc_seconds", "Node RPC round trips, by method and result.", secondsBuckets, ["method", "result"]);
    this.reconnects = c("node_reconnects_total", "Times the template connection to a node was lost.");
    this.netHashrate = g("network_hashrate_hashes_per_second", "Network hashrate from the newest template's difficulty at 10 blocks per second.", []);
    this.netDifficulty = g("network_difficulty", "Network difficulty of the newest template, in share units.", []);
    this.netDaa = g("network_daa_score", "DAA score of the newest template.", []);

    this.blocksFound = c("blocks_found_total", "Shares that were blocks.", ["mode"]);
    this.blocksSubmitted = c("blocks_submitted_total", "Found blocks by what the nodes answered.", ["mode", "result"]);
    this.validationSeconds = h("share_validation_seconds", "Time to check one share (PoW included).", secondsBuckets);
    this.submitSeconds = h("block_submit_seconds", "Time until the nodes answered a found block.", secondsBuckets);
    this.commitSeconds = h("share_commit_seconds", "Time to make one batch of shares durable.", secondsBuckets);
    this.commitBatch = h("share_commit_batch_size", "Shares and blocks per durable batch.", [1, 10, 100, 500, 1000, 5000]);
    g("spool_backlog", "Shares and blocks accepted but not yet in the database.", [], function () {
      if (self.sources.backlog) this.set(self.sources.backlog());
    });
    addDatabaseGauges(this.registry, () => this.sources);

    this.httpRequests = new HttpMetrics(this.registry);
    addProcessMetrics(this.registry);
    if (m.workerSeries) this.addWorkerGauges();
    if (m.legacyNames) addLegacyGauges(this.registry, config.treasury.address, () => this.legacyView());
  }

  /** Plugs in what the gauges read; called again as parts start. */
  attach(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** The exposition text, for `/metrics`. */
  response(): Promise<Response> {
    return metricsResponse(this.registry);
  }

  readonly stratum: StratumObserver = {
    connected: (port) => this.connections.inc({ port }),
    disconnected: (port, by) => {
      this.connections.dec({ port });
      this.disconnects.inc({ port, reason: by });
    },
    shareAccepted: (port, mode, who, difficulty, validationSeconds, at) => {
      this.accepted.inc({ mode, port });
      this.work.inc({ mode }, difficulty * HASHES_PER_SHARE_UNIT);
      this.validationSeconds.observe(validationSeconds);
      this.workers?.record(who.address, who.worker, mode, "accepted", at, difficulty);
    },
    shareRejected: (port, mode, who, reason, at) => {
      this.rejected.inc({ mode, port, reason: reasonLabel(reason) });
      if (who) this.workers?.record(who.address, who.worker, mode, outcomeOf(reason), at);
    },
    blockFound: (mode, result, submitSeconds, who: WorkerRef, at) => {
      this.blocksFound.inc({ mode });
      this.blocksSubmitted.inc({ mode, result });
      this.submitSeconds.observe(submitSeconds);
      this.workers?.record(who.address, who.worker, mode, "block", at);
    },
    jobBroadcast: (networkDifficulty, daaScore, seconds) => {
      this.lastJobAt = this.clock();
      this.jobs.inc();
      this.broadcastSeconds.observe(seconds);
      this.netDifficulty.set(networkDifficulty);
      this.netHashrate.set(networkDifficulty * HASHES_PER_SHARE_UNIT * BLOCKS_PER_SECOND);
      this.netDaa.set(Number(daaScore));
    },
  };

  /** For NodeClient's onRequest. Method names come from the client's code, a closed set. */
  readonly rpc = (method: string, seconds: number, ok: boolean): void => {
    this.rpcSeconds.observe({ method, result: ok ? "ok" : "error" }, seconds);
  };

  readonly nodeDisconnected = (): void => this.reconnects.inc();

  readonly shareBatch = (records: number, seconds: number): void => {
    this.commitSeconds.observe(seconds);
    this.commitBatch.observe(records);
  };

  /** For the API's httpMetrics middleware. */
  http(route: string, status: number, seconds: number): void {
    this.httpRequests.http(route, status, seconds);
  }

  private byMode(gauge: Gauge<"mode">, figure: (workers: WorkerStats[]) => number): void {
    const stats = this.sources.stratum?.stats();
    if (!stats) return;
    for (const mode of ["pplns", "solo"] as Mode[]) gauge.set({ mode }, figure(stats.workers.filter((w) => w.mode === mode)));
  }

  private addWorkerGauges(): void {
    const workers = this.workers!;
    const clock = this.clock;
    const each = (name: string, help: string, value: (w: WorkerEntry, now: number) => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`, help, labelNames: ["wallet", "worker", "mode"], registers: [this.registry],
        collect() {
          this.reset();
          const now = clock();
          for (const w of workers.live(now)) this.set({ wallet: w.address, worker: w.worker, mode: w.mode }, value(w, now));
        },
      });
    each("worker_hashrate_hashes_per_second", "A worker's hashrate over the last 10 minutes (opt-in, capped).", (w, now) => w.meter.rate(now));
    each("worker_difficulty", "Difficulty of a worker's last accepted share (opt-in, capped).", (w) => w.difficulty);
    each("worker_last_share_timestamp_seconds", "Unix time of a worker's last share (opt-in, capped).", (w) => w.lastShareAt / 1000);
  }

  private legacyView() {
    const now = this.clock();
    return { now, workers: this.workers!.live(now), poolHashrate: this.sources.stratum?.stats().hashrate ?? 0 };
  }
}

function reasonLabel(reason: ObservedReject): string {
  return reason.replaceAll("-", "_");
}
