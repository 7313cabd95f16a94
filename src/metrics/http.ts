// API request metrics: kaspool_http_requests_total and kaspool_http_request_seconds in a registry, fed by Hono
// middleware. The label is the matched route pattern (`/api/v1/miners/:address`), never the raw path, so miners'
// addresses cannot open new series.

import type { MiddlewareHandler } from "hono";
import { Counter, Histogram, type Registry } from "prom-client";
import { METRIC_PREFIX, secondsBuckets } from "./registry.ts";

export class HttpMetrics {
  private readonly requests;
  private readonly seconds;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: `${METRIC_PREFIX}http_requests_total`, help: "API requests, by route pattern and status class.", labelNames: ["route", "code"], registers: [registry],
    });
    this.seconds = new Histogram({
      name: `${METRIC_PREFIX}http_request_seconds`, help: "API response time, by route pattern and status class.", buckets: secondsBuckets, labelNames: ["route", "code"], registers: [registry],
    });
  }

  /** `route` is the route pattern (never the raw path, which would be an open set). */
  http(route: string, status: number, seconds: number): void {
    const code = `${Math.floor(status / 100)}xx`;
    this.requests.inc({ route, code });
    this.seconds.observe({ route, code }, seconds);
  }
}

export function httpMetrics(metrics: Pick<HttpMetrics, "http">): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.http(c.req.routePath, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
