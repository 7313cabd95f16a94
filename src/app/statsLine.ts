// The pool's periodic stats line: the pool seen from its log, for an operator who reads no dashboard.

import { formatHashrate } from "../common/hashrate.ts";
import { HASHRATE_WINDOW_SECONDS, SHORT_HASHRATE_WINDOW_SECONDS, type StratumStats } from "../stratum/stats.ts";

/**
 * Hashrates come from accepted shares, so each one names the window it is measured over: a miner's own figure
 * counts every hash at once, the pool's lags behind it until its window is full of that miner's shares.
 */
export function statsFields(s: StratumStats, uptimeSeconds: number): Record<string, string | number> {
  const rejected = Object.values(s.shares.rejected).reduce((a, b) => a + b, 0);
  const window = (seconds: number) => Math.min(seconds, Math.floor(uptimeSeconds));
  return {
    connections: s.connections, workers: s.workers.length,
    [`hashrate_${label(window(SHORT_HASHRATE_WINDOW_SECONDS))}`]: formatHashrate(s.hashrate1m),
    [`hashrate_${label(window(HASHRATE_WINDOW_SECONDS))}`]: formatHashrate(s.hashrate),
    accepted: s.shares.accepted, rejected, blocks: s.blocks.accepted,
  };
}

function label(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}
