// The proxy's HTTP side on api.host:api.port: /status (the figures of src/proxy/status.ts), /health (200 while
// miners have an upstream to work for, 503 otherwise) and /metrics. GET only; errors never carry a trace.

import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { ProxyStatus } from "./status.ts";

export function proxyApi(status: () => ProxyStatus, registry: Registry): Hono {
  const app = new Hono();
  app.get("/status", (c) => c.json(status()));
  app.get("/health", (c) => {
    const s = status();
    // No miner: nothing is dialled on purpose, and the proxy is ready to.
    const healthy = s.active !== null || s.miners === 0;
    return c.json({ status: healthy ? "ok" : "no-upstream", active: s.active, miners: s.miners }, healthy ? 200 : 503);
  });
  app.get("/metrics", async (c) => c.body(await registry.metrics(), 200, { "content-type": registry.contentType }));
  app.notFound((c) => c.json({ error: { code: "not_found", message: "Not found" } }, 404));
  app.onError((_err, c) => c.json({ error: { code: "internal", message: "Internal error" } }, 500));
  return app;
}
