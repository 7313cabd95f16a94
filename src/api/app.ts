// The HTTP API as a Hono app: the kaspool seed's /config, /balance, /total, health and readiness, /api/v1,
// server-sent events and the dashboard, on the base app (base.ts: GET only, per-IP rate limit, optional CORS, JSON
// errors, /metrics).

import type { Hono } from "hono";
import { silentLogger, type Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import { dashboardRoutes } from "../dashboard/routes.ts";
import type { Database } from "../db/database.ts";
import type { BlockDagInfo } from "../node/types.ts";
import type { StratumStats } from "../stratum/stats.ts";
import { baseApp, type BaseAppOptions } from "./base.ts";
import { EventHub, eventRoutes } from "./events.ts";
import { minerRoutes } from "./minerRoutes.ts";
import { cachedNetwork, type NetworkFigures } from "./network.ts";
import { poolRoutes } from "./poolRoutes.ts";
import { seedRoutes } from "./seedRoutes.ts";

export interface ApiOptions extends Pick<BaseAppOptions, "metrics" | "measure" | "clientIp"> {
  db: Database;
  config: Config;
  /** Live stratum figures (connected workers, difficulties); absent when stratum runs elsewhere. */
  stats?: () => StratumStats;
  /** The node's DAG info (network hashrate and difficulty). */
  dagInfo?: () => Promise<BlockDagInfo>;
  /** For /ready: null when the node is synced and fit to mine on, otherwise why not. */
  nodeProblem?: () => Promise<string | null>;
  /** For /ready: whether the pool's block template is fresh (stratum.staleJobSeconds). */
  templatesFresh?: () => boolean;
  log?: Logger;
  clock?: () => number;
}

/** What route modules get: the options plus cached network figures. */
export interface ApiContext extends ApiOptions {
  log: Logger;
  now(): number;
  network(): Promise<NetworkFigures | null>;
  events: EventHub;
}

export function createApi(opts: ApiOptions): { app: Hono; close(): void } {
  const log = opts.log ?? silentLogger;
  const now = opts.clock ?? Date.now;
  const network = opts.dagInfo ? cachedNetwork(opts.dagInfo, now) : async () => null;
  const events = new EventHub({ db: opts.db, stats: opts.stats, network, log, now });
  const ctx: ApiContext = { ...opts, log, now, network, events };
  const app = baseApp({
    api: opts.config.api, metrics: opts.metrics, measure: opts.measure, clientIp: opts.clientIp, log, now, beforeLimit: dashboardRoutes,
  });
  seedRoutes(app, ctx);
  poolRoutes(app, ctx);
  minerRoutes(app, ctx);
  eventRoutes(app, ctx);
  return { app, close: () => events.close() };
}
