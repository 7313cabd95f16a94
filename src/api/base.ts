// What every kaspool HTTP app shares, the pool's API (app.ts) and the proxy's /status (src/proxy/api.ts): request
// metrics first, JSON errors as {error:{code,message}} and never a stack trace, a JSON 404, optional CORS,
// GET only, the per-IP rate limit, and GET /metrics.

import { Hono, type Context, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import { ApiError } from "./params.ts";
import { RateLimiter } from "./rateLimit.ts";

export interface BaseAppOptions {
  api: Config["api"];
  /** Answers GET /metrics; absent ⇒ /metrics is a 404. */
  metrics?: () => Promise<Response>;
  /** Counts and times every request (src/metrics httpMetrics). */
  measure?: MiddlewareHandler;
  /** The socket's address of a request (Bun's server.requestIP); used unless api.trustProxy. */
  clientIp?: (req: Request) => string | null;
  log: Logger;
  now(): number;
  /**
   * Routes answered before CORS, the GET-only check and the rate limit (the pool's dashboard: a page load fetches
   * a dozen files from memory, which should not spend the API calls the page then makes). Other methods on their
   * paths fall through to the GET-only check.
   */
  beforeLimit?: (app: Hono) => void;
}

export function baseApp(opts: BaseAppOptions): Hono {
  const { api, log } = opts;
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
  opts.beforeLimit?.(app);

  if (api.corsOrigins.length) {
    app.use("*", cors({ origin: api.corsOrigins.includes("*") ? "*" : api.corsOrigins, allowMethods: ["GET"] }));
  }
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      c.header("Allow", "GET");
      throw new ApiError(405, "method_not_allowed", `${c.req.method} is not allowed: the API is read-only (GET)`);
    }
    const ip = clientIp(c.req.raw, api.trustProxy, opts.clientIp);
    const wait = limiter.take(ip, opts.now());
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      throw new ApiError(429, "rate_limited", `too many requests: at most ${api.rateLimit.requestsPerSecond}/s per IP`);
    }
    await next();
  });

  app.get("/metrics", async () => {
    if (!opts.metrics) throw new ApiError(404, "not_found", "metrics are not enabled");
    return opts.metrics();
  });
  return app;
}

function errorResponse(c: Context, err: ApiError): Response {
  return c.json({ error: { code: err.code, message: err.message } }, err.status);
}

/** Behind a trusted proxy, the last X-Forwarded-For address: the one that proxy saw. Earlier ones are whatever
 * the client sent, and taking them would let it pick a fresh rate-limit bucket per request. */
function clientIp(req: Request, trustProxy: boolean, socketIp: BaseAppOptions["clientIp"]): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return socketIp?.(req) ?? "unknown";
}
