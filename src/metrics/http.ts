// API request metrics as Hono middleware. The label is the matched route pattern (`/api/v1/miners/:address`),
// never the raw path, so miners' addresses cannot open new series.

import type { MiddlewareHandler } from "hono";
import type { PoolMetrics } from "./pool.ts";

export function httpMetrics(metrics: PoolMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.http(c.req.routePath, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
