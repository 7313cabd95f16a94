// API metrics label requests by route pattern, so a miner's address in the path never opens a new series.

import { expect, test } from "bun:test";
import { Hono } from "hono";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { httpMetrics, PoolMetrics } from "../../src/metrics/index.ts";

test("requests are counted by route pattern and status class", async () => {
  const metrics = new PoolMetrics(configSchema.parse(defaults));
  const app = new Hono();
  app.use(httpMetrics(metrics));
  app.get("/api/v1/miners/:address", (c) => c.json({ ok: true }));
  app.get("/metrics", () => metrics.response());
  for (const a of ["a", "b", "c"]) expect((await app.request(`/api/v1/miners/${a}`)).status).toBe(200);
  expect((await app.request("/nowhere")).status).toBe(404);
  const text = await (await app.request("/metrics")).text();
  expect(text).toContain('kaspool_http_requests_total{route="/api/v1/miners/:address",code="2xx"} 3');
  expect(text).not.toMatch(/route="\/api\/v1\/miners\/[abc]"/);
  expect(text).not.toContain('route="/nowhere"');
});
