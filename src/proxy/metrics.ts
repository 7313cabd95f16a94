// kaspool_proxy_* metrics in a registry of the proxy's own, read from the status at scrape time. Labels come from
// closed sets only: configured upstream names, breaker states, reject reasons (no worker labels: observability.md).

import { Counter, Gauge, Registry } from "prom-client";
import type { ProxyStatus } from "./status.ts";

const BREAKER_STATES = ["closed", "open", "half-open"] as const;

export function proxyMetrics(status: () => ProxyStatus): Registry {
  const registry = new Registry();
  const read = status;

  new Gauge({
    name: "kaspool_proxy_miners", help: "Miners connected to the proxy", registers: [registry],
    collect() {
      this.set(read().miners);
    },
  });
  new Gauge({
    name: "kaspool_proxy_upstream_active", help: "1 for the upstream the miners are on", labelNames: ["upstream"], registers: [registry],
    collect() {
      for (const u of read().upstreams) this.set({ upstream: u.name }, u.state === "active" ? 1 : 0);
    },
  });
  new Gauge({
    name: "kaspool_proxy_upstream_breaker", help: "1 for the circuit breaker's state", labelNames: ["upstream", "state"], registers: [registry],
    collect() {
      for (const u of read().upstreams) for (const s of BREAKER_STATES) this.set({ upstream: u.name, state: s }, u.breaker === s ? 1 : 0);
    },
  });
  new Counter({
    name: "kaspool_proxy_shares_accepted_total", help: "Shares forwarded and accepted upstream", labelNames: ["upstream"], registers: [registry],
    collect() {
      this.reset();
      for (const u of read().upstreams) this.inc({ upstream: u.name }, u.accepted);
    },
  });
  new Counter({
    name: "kaspool_proxy_shares_rejected_total", help: "Shares forwarded and not accepted, by reason", labelNames: ["upstream", "reason"], registers: [registry],
    collect() {
      this.reset();
      for (const u of read().upstreams) for (const [reason, n] of Object.entries(u.rejected)) this.inc({ upstream: u.name, reason }, n);
    },
  });
  new Counter({
    name: "kaspool_proxy_upstream_failures_total", help: "Failed connects, authorizations, dropped sessions and reject storms", labelNames: ["upstream"], registers: [registry],
    collect() {
      this.reset();
      for (const u of read().upstreams) this.inc({ upstream: u.name }, u.failures);
    },
  });
  new Gauge({
    name: "kaspool_proxy_upstream_latency_seconds", help: "Time from forwarding a share to the upstream's verdict", labelNames: ["upstream", "quantile"], registers: [registry],
    collect() {
      this.reset();
      for (const u of read().upstreams) {
        if (u.latencyMs.p50 !== null) this.set({ upstream: u.name, quantile: "0.5" }, u.latencyMs.p50 / 1000);
        if (u.latencyMs.p99 !== null) this.set({ upstream: u.name, quantile: "0.99" }, u.latencyMs.p99 / 1000);
      }
    },
  });
  new Gauge({
    name: "kaspool_proxy_upstream_hashrate_hashes_per_second", help: "Hashrate of the shares accepted upstream, last 10 minutes", labelNames: ["upstream"], registers: [registry],
    collect() {
      for (const u of read().upstreams) this.set({ upstream: u.name }, u.hashrate);
    },
  });
  return registry;
}
