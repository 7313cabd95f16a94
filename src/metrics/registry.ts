// What every kaspool registry has, the pool's (pool.ts) and the proxy's (src/proxy/metrics.ts): the kaspool_
// prefix, the process figures, and the /metrics answer.

import { collectDefaultMetrics, type Registry } from "prom-client";

export const METRIC_PREFIX = "kaspool_";

/** From 100 µs (a share check) to 10 s (a block nobody answered). */
export const secondsBuckets = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** Process figures (CPU, memory, event-loop lag: what a slow share reply shows first), as the seed pushed them. */
export function addProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
}

/** The exposition text, for `/metrics`. A failing collector gives a 500 with one line, never a stack trace. */
export async function metricsResponse(registry: Registry): Promise<Response> {
  try {
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  } catch {
    return new Response("metrics unavailable\n", { status: 500, headers: { "content-type": "text/plain" } });
  }
}
