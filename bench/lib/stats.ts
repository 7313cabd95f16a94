// Small helpers shared by the stratum benchmark's two processes.

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface PhaseResult {
  offeredPerSecond: number | null;
  sent: number;
  accepted: number;
  rejected: number;
  seconds: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rejectReasons: Record<string, number>;
  /** New jobs the server broadcast while the phase ran: each one briefly competes with share checking. */
  jobsBroadcast: number;
  /** The generator's own CPU over the phase: near 100% means it, not the server, set the pace. */
  generatorCpuPercent: number;
  /** p99 over the shares that were not in flight while a job was reaching the connections. */
  p99OutsideBroadcastsMs: number;
}

export interface FanoutResult {
  jobId: string;
  firstMs: number;
  lastMs: number;
  received: number;
}

/** Lines the load generator prints on stdout, one JSON object each. */
export type LoadgenEvent =
  | { event: "ready"; connections: number; nonces: number; connectMs: number; precomputeMs: number }
  | { event: "phase"; name: "fixed" | "max"; result: PhaseResult }
  | { event: "awaiting-job" }
  | { event: "fanout"; result: FanoutResult | null }
  | { event: "error"; message: string };
