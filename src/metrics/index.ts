// Prometheus metrics: the pool's registry and its hooks (pool.ts), what every kaspool registry has (registry.ts),
// the Pushgateway (push.ts), API request metrics and their middleware (http.ts), and the payer's wallet figures
// (treasury.ts).

export { PoolMetrics, type MetricsSources } from "./pool.ts";
export { addProcessMetrics, METRIC_PREFIX, metricsResponse } from "./registry.ts";
export { startPushing, type Pusher } from "./push.ts";
export { httpMetrics, HttpMetrics } from "./http.ts";
export { TreasuryMetrics } from "./treasury.ts";
