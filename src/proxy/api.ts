// The proxy's HTTP side on api.host:api.port, on the API's base app (src/api/base.ts: GET only, per-IP rate limit,
// JSON errors, /metrics): /status (the figures of src/proxy/status.ts) and /health (200 while miners have an
// upstream to work for, 503 otherwise).

import type { Hono } from "hono";
import { baseApp } from "../api/base.ts";
import type { Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import type { ProxyMetrics } from "./metrics.ts";
import type { ProxyStatus } from "./status.ts";

export interface ProxyApiOptions {
  config: Config;
  status(): ProxyStatus;
  metrics: ProxyMetrics;
  clientIp?: (req: Request) => string | null;
  log: Logger;
}

export function proxyApi(opts: ProxyApiOptions): Hono {
  const { status, metrics } = opts;
  const app = baseApp({ api: opts.config.api, metrics: metrics.response, measure: metrics.measure, clientIp: opts.clientIp, log: opts.log, now: Date.now });
  app.get("/status", (c) => c.json(status()));
  app.get("/health", (c) => {
    const s = status();
    // No miner: nothing is dialled on purpose, and the proxy is ready to.
    const healthy = s.active !== null || s.miners === 0;
    return c.json({ status: healthy ? "ok" : "no-upstream", active: s.active, miners: s.miners }, healthy ? 200 : 503);
  });
  return app;
}
