// What the proxy reports: per upstream (state, breaker, shares by verdict, latency, hashrate) and per local
// worker (shares, spacing, hashrate). The same figures feed the report line, /status and the metrics.
// Upstream passwords never appear here; the user is what the upstream credits and the operator configured.

import { formatHashrate } from "../common/hashrate.ts";
import type { BreakerState } from "./breaker.ts";
import type { MinerConnection } from "./downstream.ts";
import type { Upstream } from "./index.ts";
import type { NonceSpace } from "./nonceSpace.ts";

export interface UpstreamStatus {
  name: string;
  url: string;
  user: string;
  state: "active" | "draining" | "standby" | "connecting" | "down";
  breaker: BreakerState;
  consecutiveFailures: number;
  connects: number;
  failures: number;
  forwarded: number;
  accepted: number;
  rejected: Record<string, number>;
  latencyMs: { p50: number | null; p99: number | null };
  /** H/s from accepted shares at the upstream's difficulty, last 10 minutes. */
  hashrate: number;
}

export interface WorkerStatus {
  worker: string;
  agent: string;
  remote: string;
  difficulty: number;
  /** Shares the miner got `true` for: forwarded ones the upstream accepted, and local-only ones. */
  accepted: number;
  forwarded: number;
  upstreamAccepted: number;
  rejected: Record<string, number>;
  /** Mean seconds between accepted shares; null before the second. */
  spacingSeconds: number | null;
  hashrate: number;
}

export interface ProxyStatus {
  active: string | null;
  scheduled: string | null;
  miners: number;
  nonceSpace: { used: number; capacity: number };
  upstreams: UpstreamStatus[];
  workers: WorkerStatus[];
}

export interface StatusInput {
  ups: Upstream[];
  active: Upstream | null;
  miners: Set<MinerConnection>;
  nonces: NonceSpace;
  scheduled: string | null;
  now: number;
  /** The proxy's clock (the breaker's time). */
  clock: number;
}

export function buildStatus(s: StatusInput): ProxyStatus {
  const upstreams = s.ups.map((u): UpstreamStatus => ({
    name: u.config.name, url: u.config.url, user: u.config.user,
    state: u === s.active && u.session?.isReady ? "active" : u.drainTimer ? "draining" : u.session?.isReady ? "standby" : u.session || u.dialing ? "connecting" : "down",
    breaker: u.breaker.state(s.clock), consecutiveFailures: u.breaker.consecutiveFailures,
    connects: u.stats.connects, failures: u.stats.failures, forwarded: u.stats.forwarded, accepted: u.stats.accepted, rejected: { ...u.stats.rejected },
    latencyMs: { p50: u.stats.latency(0.5), p99: u.stats.latency(0.99) }, hashrate: u.stats.meter.rate(s.now),
  }));
  const workers: WorkerStatus[] = [];
  for (const m of s.miners) {
    if (m.worker === null) continue;
    workers.push({
      worker: m.worker, agent: m.userAgent, remote: m.remoteAddress, difficulty: m.currentDifficulty,
      accepted: m.counts.accepted, forwarded: m.counts.forwarded, upstreamAccepted: m.counts.upstreamAccepted,
      rejected: { ...m.counts.rejected }, spacingSeconds: m.counts.accepted > 1 ? m.spacingTotalMs / 1000 / (m.counts.accepted - 1) : null,
      hashrate: m.meter.rate(s.now),
    });
  }
  return {
    active: s.active?.session?.isReady ? s.active.config.name : null, scheduled: s.scheduled, miners: s.miners.size,
    nonceSpace: { used: s.nonces.live, capacity: s.nonces.capacity }, upstreams, workers,
  };
}

/** The periodic report: one line per upstream, one per worker. */
export function reportLines(status: ProxyStatus): Array<[string, Record<string, unknown>]> {
  const lines: Array<[string, Record<string, unknown>]> = [];
  for (const u of status.upstreams) {
    const rejected = Object.entries(u.rejected).map(([k, v]) => `${k}:${v}`).join(",") || "0";
    lines.push(["upstream", {
      upstream: u.name, state: u.state, breaker: u.breaker, accepted: u.accepted, rejected,
      p50ms: u.latencyMs.p50?.toFixed(1) ?? "-", p99ms: u.latencyMs.p99?.toFixed(1) ?? "-", hashrate: formatHashrate(u.hashrate),
    }]);
  }
  for (const w of status.workers) {
    const rejected = Object.values(w.rejected).reduce((a, b) => a + b, 0);
    lines.push(["worker", {
      worker: w.worker, remote: w.remote, accepted: w.accepted, forwarded: w.forwarded, rejected,
      spacing: w.spacingSeconds === null ? "-" : `${w.spacingSeconds.toFixed(1)}s`, hashrate: formatHashrate(w.hashrate),
    }]);
  }
  return lines;
}
