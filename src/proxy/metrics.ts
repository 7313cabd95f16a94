// kaspool_proxy_* metrics, read from the status at scrape time, in a registry built as the pool's is
// (src/metrics): the process figures and the API's request metrics beside them. Labels come from closed sets only:
// configured upstream names, breaker states, reject reasons (no worker labels: observability.md).

import type { MiddlewareHandler } from "hono";
import { Counter, Gauge, Registry } from "prom-client";
import { addProcessMetrics, httpMetrics, HttpMetrics, METRIC_PREFIX, metricsResponse } from "../metrics/index.ts";
import type { ProxyStatus, UpstreamStatus } from "./status.ts";

const BREAKER_STATES = ["closed", "open", "half-open"] as const;

export interface ProxyMetrics {
  /** The exposition text, for `/metrics`. */
  response(): Promise<Response>;
  /** Counts and times every API request. */
  measure: MiddlewareHandler;
}

/** Puts one upstream's figures into a metric: `put(labels, value)` once per series. */
type Fill = (u: UpstreamStatus, put: (labels: Record<string, string>, value: number) => void) => void;

export function proxyMetrics(status: () => ProxyStatus): ProxyMetrics {
  const registry = new Registry();
  const name = (n: string) => `${METRIC_PREFIX}proxy_${n}`;
  // Every series is rebuilt from the status at each scrape; counters are totals the proxy already keeps.
  const gauge = (n: string, help: string, labelNames: string[], fill: Fill) => new Gauge({
    name: name(n), help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const u of status().upstreams) fill(u, (labels, v) => this.set(labels, v));
    },
  });
  const counter = (n: string, help: string, labelNames: string[], fill: Fill) => new Counter({
    name: name(n), help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const u of status().upstreams) fill(u, (labels, v) => this.inc(labels, v));
    },
  });

  new Gauge({
    name: name("miners"), help: "Miners connected to the proxy", registers: [registry],
    collect() {
      this.set(status().miners);
    },
  });
  gauge("upstream_active", "1 for the upstream the miners are on", ["upstream"], (u, put) => put({ upstream: u.name }, u.state === "active" ? 1 : 0));
  gauge("upstream_breaker", "1 for the circuit breaker's state", ["upstream", "state"], (u, put) => {
    for (const state of BREAKER_STATES) put({ upstream: u.name, state }, u.breaker === state ? 1 : 0);
  });
  counter("shares_accepted_total", "Shares forwarded and accepted upstream", ["upstream"], (u, put) => put({ upstream: u.name }, u.accepted));
  counter("shares_rejected_total", "Shares forwarded and not accepted, by reason", ["upstream", "reason"], (u, put) => {
    for (const [reason, n] of Object.entries(u.rejected)) put({ upstream: u.name, reason }, n);
  });
  counter("upstream_failures_total", "Failed connects, authorizations, dropped sessions and reject storms", ["upstream"], (u, put) => put({ upstream: u.name }, u.failures));
  gauge("upstream_latency_seconds", "Time from forwarding a share to the upstream's verdict", ["upstream", "quantile"], (u, put) => {
    if (u.latencyMs.p50 !== null) put({ upstream: u.name, quantile: "0.5" }, u.latencyMs.p50 / 1000);
    if (u.latencyMs.p99 !== null) put({ upstream: u.name, quantile: "0.99" }, u.latencyMs.p99 / 1000);
  });
  gauge("upstream_hashrate_hashes_per_second", "Hashrate of the shares accepted upstream, last 10 minutes", ["upstream"], (u, put) => put({ upstream: u.name }, u.hashrate));

  const http = new HttpMetrics(registry);
  addProcessMetrics(registry);
  return { response: () => metricsResponse(registry), measure: httpMetrics(http) };
}
