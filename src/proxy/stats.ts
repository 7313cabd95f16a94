// Figures per upstream: forwarded shares by verdict and reason, verdict latency (p50/p99 over the last
// LATENCY_SAMPLES), hashrate from the upstream difficulty of accepted shares, connections and failures.

import { rejectReason, StratumErrorCode } from "../stratum/errors.ts";
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
  if (code === null) return /in time/.test(message) ? "timeout" : "other";
  // 20 is not rejectReason's "malformed" here: the session's own lost-connection verdict carries it too.
  if (code >= StratumErrorCode.JobNotFound && code <= StratumErrorCode.NotSubscribed) return rejectReason(code as StratumErrorCode);
  return /connection lost/i.test(message) ? "disconnected" : "other";
}
