// Figures per upstream: forwarded shares by verdict and reason, verdict latency (p50/p99 over the last
// LATENCY_SAMPLES), hashrate from the upstream difficulty of accepted shares, connections and failures.

import { HashrateMeter } from "../stratum/hashrate.ts";
import { HASHRATE_WINDOW_SECONDS } from "../stratum/stats.ts";

const LATENCY_SAMPLES = 1024;

export class UpstreamStats {
  forwarded = 0;
  accepted = 0;
  readonly rejected: Record<string, number> = {};
  connects = 0;
  failures = 0;
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private samples = 0;
  readonly meter: HashrateMeter;

  constructor(now: number) {
    this.meter = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
  }

  verdict(accepted: boolean, reason: string, latencyMs: number, difficulty: number, now: number): void {
    this.latencies[this.samples++ % LATENCY_SAMPLES] = latencyMs;
    if (accepted) {
      this.accepted++;
      this.meter.add(difficulty, now);
    } else this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  /** Milliseconds; null before the first verdict. */
  latency(quantile: number): number | null {
    const n = Math.min(this.samples, LATENCY_SAMPLES);
    if (n === 0) return null;
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.floor(quantile * n))]!;
  }
}

/** Reasons as counted: the stratum reject reasons by the upstream's code, or what went wrong on the way. */
export function verdictReason(code: number | null, message: string): string {
  switch (code) {
    case 21: return "job-not-found";
    case 22: return "duplicate";
    case 23: return "low-difficulty";
    case 24:
    case 25: return "unauthorized";
    case null: return /in time/.test(message) ? "timeout" : "other";
    default: return /connection lost/i.test(message) ? "disconnected" : "other";
  }
}
