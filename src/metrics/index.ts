// Prometheus metrics: the registry and its hooks (pool.ts), the Pushgateway (push.ts), API middleware (http.ts).

export { PoolMetrics, type MetricsSources } from "./pool.ts";
export { startPushing, type Pusher } from "./push.ts";
export { httpMetrics } from "./http.ts";
