// The HTTP API as a Hono app: the kaspool seed's /config, /balance, /total, health and readiness, /api/v1,
// server-sent events and the dashboard. GET only, per-IP rate limit, optional CORS, JSON errors, and no stack
// trace ever answered.

import { Hono, type Context, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { silentLogger, type Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import { dashboardRoutes } from "../dashboard/routes.ts";
import type { Database } from "../db/database.ts";
import type { BlockDagInfo } from "../node/types.ts";
import type { StratumStats } from "../stratum/stats.ts";
import { EventHub, eventRoutes } from "./events.ts";
import { minerRoutes } from "./minerRoutes.ts";
import { cachedNetwork, type NetworkFigures } from "./network.ts";
import { ApiError } from "./params.ts";
import { poolRoutes } from "./poolRoutes.ts";
import { RateLimiter } from "./rateLimit.ts";
import { seedRoutes } from "./seedRoutes.ts";

export interface ApiOptions {
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
  /** Answers GET /metrics (src/metrics); absent ⇒ /metrics is a 404. */
  metrics?: () => Promise<Response>;
  /** Counts and times every request (src/metrics httpMetrics). */
  measure?: MiddlewareHandler;
  /** Client IP of a request (Bun's server.requestIP); the socket address unless api.trustProxy. */
  clientIp?: (req: Request) => string | null;
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
  const api = opts.config.api;
  const limiter = new RateLimiter(api.rateLimit.requestsPerSecond, api.rateLimit.burst);

  const app = new Hono({ strict: false });
  // First, so refused and failed requests are measured too.
  if (opts.measure) app.use("*", opts.measure);
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    log.error("api request failed", { path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    return c.json({ error: { code: "internal", message: "internal error" } }, 500);
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `no such endpoint: ${c.req.path}`)));

  // Before the limit: a page load fetches a dozen files from memory, which should not spend the API calls the
  // page then makes. Other methods on these paths still reach the GET-only check below.
  dashboardRoutes(app);

  if (api.corsOrigins.length) {
    app.use("*", cors({ origin: api.corsOrigins.includes("*") ? "*" : api.corsOrigins, allowMethods: ["GET"] }));
  }
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      c.header("Allow", "GET");
      throw new ApiError(405, "method_not_allowed", `${c.req.method} is not allowed: the API is read-only (GET)`);
    }
    const ip = clientIp(c.req.raw, api.trustProxy, opts.clientIp);
    const wait = limiter.take(ip, now());
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      throw new ApiError(429, "rate_limited", `too many requests: at most ${api.rateLimit.requestsPerSecond}/s per IP`);
    }
    await next();
  });

  seedRoutes(app, ctx);
  poolRoutes(app, ctx);
  minerRoutes(app, ctx);
  eventRoutes(app, ctx);
  app.get("/metrics", async () => {
    if (!opts.metrics) throw new ApiError(404, "not_found", "metrics are not enabled");
    return opts.metrics();
  });
  return { app, close: () => events.close() };
}

function errorResponse(c: Context, err: ApiError): Response {
  return c.json({ error: { code: err.code, message: err.message } }, err.status);
}

function clientIp(req: Request, trustProxy: boolean, socketIp: ApiOptions["clientIp"]): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return socketIp?.(req) ?? "unknown";
}
