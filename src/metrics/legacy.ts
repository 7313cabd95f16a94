// The kaspool seed's gauge names (coinchimp/kaspool-app src/prometheus/index.ts, as listed in
// spec/observability.md), for dashboards built on them. Unlike the seed's, the "1min" figures count the last
// sixty seconds only, and a worker's series go with it (same cap and ten-minute rule as the kaspool_worker_ ones).

import { Gauge, type Registry } from "prom-client";
import type { Outcome, WorkerEntry } from "./workers.ts";

export interface LegacyView {
  now: number;
  workers: WorkerEntry[];
  poolHashrate: number;
}

const GH = 1e9;

export function addLegacyGauges(registry: Registry, poolAddress: string, view: () => LegacyView): void {
  const registers = [registry];
  const perMiner = (name: string, help: string, value: (w: WorkerEntry, now: number) => number) =>
    new Gauge({
      name, help, labelNames: ["miner_id", "wallet_address"], registers,
      collect() {
        this.reset();
        const v = view();
        for (const w of v.workers) this.set({ miner_id: w.worker, wallet_address: w.address }, value(w, v.now));
      },
    });
  const minute = (outcome: Outcome) => (w: WorkerEntry, now: number) => w.minute[outcome].total(now);

  perMiner("miner_hash_rate_GHps", "Worker hashrate in GH/s over the last 10 minutes (seed name).", (w, now) => w.meter.rate(now) / GH);
  perMiner("miner_job_submissions_1min_count", "Shares submitted in the last minute (seed name).", minute("submitted"));
  perMiner("added_miner_shares_1min_count", "Shares accepted in the last minute (seed name).", minute("accepted"));
  perMiner("miner_invalid_shares_1min_count", "Invalid shares in the last minute (seed name).", minute("invalid"));
  perMiner("miner_duplicated_shares_1min_count", "Duplicate shares in the last minute (seed name).", minute("duplicate"));
  perMiner("miner_isblock_shares_1min_count", "Shares that were blocks in the last minute (seed name).", minute("block"));
  perMiner("miner_stale_shares_1min_count", "Stale shares in the last minute (seed name).", minute("stale"));

  const perPool = (name: string, help: string, outcome: Outcome) =>
    new Gauge({
      name, help, labelNames: ["miner_id", "pool_address"], registers,
      collect() {
        this.reset();
        const v = view();
        // Summed: two wallets may name a worker alike.
        for (const w of v.workers) this.inc({ miner_id: w.worker, pool_address: poolAddress }, w.minute[outcome].total(v.now));
      },
    });
  perPool("mined_blocks_1min_count", "Blocks found in the last minute (seed name).", "block");
  perPool("jobs_not_found_1min_count", "Shares for unknown or stale jobs in the last minute (seed name).", "stale");

  new Gauge({
    name: "pool_hash_rate_GHps", help: "Pool hashrate in GH/s over the last 10 minutes (seed name).", labelNames: ["miner_id", "pool_address"], registers,
    collect() {
      this.set({ miner_id: "pool", pool_address: poolAddress }, view().poolHashrate / GH);
    },
  });
  new Gauge({
    name: "var_diff", help: "A worker's current share difficulty (seed name).", labelNames: ["miner_id"], registers,
    collect() {
      this.reset();
      for (const w of view().workers) this.set({ miner_id: w.worker }, w.difficulty);
    },
  });
}
