// Prometheus metrics: the pool's registry and its hooks (pool.ts), the Pushgateway (push.ts), API middleware
// (http.ts), and the payer's wallet figures (treasury.ts).

export { PoolMetrics, type MetricsSources } from "./pool.ts";
export { startPushing, type Pusher } from "./push.ts";
export { httpMetrics } from "./http.ts";
export { TreasuryMetrics } from "./treasury.ts";
