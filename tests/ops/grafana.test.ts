// The provisioned Grafana dashboard: valid JSON on the provisioned datasource, showing what an operator watches,
// in the pool's kaspool_ metric names (docs: the metrics table of the observability spec).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";

/** The metric names the pool serves (prefix kaspool_), from the observability spec's metrics table. */
const SERVED = [
  "shares_accepted_total", "shares_rejected_total", "accepted_work_hashes_total", "pool_hashrate_hashes_per_second",
  "miners_active", "workers_active", "stratum_connections", "stratum_disconnects_total", "stratum_banned_ips",
  "template_age_seconds", "jobs_broadcast_total", "job_broadcast_seconds", "node_synced", "node_rpc_seconds",
  "node_reconnects_total", "network_hashrate_hashes_per_second", "network_difficulty", "network_daa_score",
  "blocks_found_total", "blocks_submitted_total", "blocks", "share_validation_seconds", "block_submit_seconds",
  "share_commit_seconds", "share_commit_batch_size", "spool_backlog", "treasury_spendable_sompi",
  "treasury_immature_sompi", "balances_owed_sompi", "paid_sompi_total", "payments_total", "http_requests_total",
  "http_request_seconds", "worker_hashrate_hashes_per_second", "worker_difficulty", "worker_last_share_timestamp_seconds",
].map((n) => `kaspool_${n}`);

const dashboard = JSON.parse(readFileSync("grafana/dashboards/kaspool.json", "utf8"));
const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
/** Metric names in the queries, histogram suffixes removed. */
const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bkaspool_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ""))));

test("every panel queries the provisioned Prometheus datasource with kaspool_ metrics the pool serves", () => {
  const datasource = (Bun.YAML.parse(readFileSync("grafana/provisioning/datasources/prometheus.yml", "utf8")) as any).datasources[0];
  const provider = (Bun.YAML.parse(readFileSync("grafana/provisioning/dashboards/kaspool.yml", "utf8")) as any).providers[0];
  expect(readFileSync("docker-compose.yml", "utf8")).toContain(`./grafana/dashboards:${provider.options.path}:ro`);
  expect(dashboard.uid).toBe("kaspool");
  expect(new Set(dashboard.panels.map((p: any) => p.id)).size).toBe(dashboard.panels.length);
  for (const panel of dashboard.panels) {
    expect(panel.datasource).toEqual({ type: "prometheus", uid: datasource.uid });
    expect(panel.targets.length).toBeGreaterThan(0);
  }
  expect([...used].filter((n) => !SERVED.includes(n))).toEqual([]);
});

test("it shows pool and worker hashrate, shares and rejects by reason, blocks by status, treasury versus owed, node health", () => {
  const shows = (metric: string, by?: string) =>
    exprs.some((e) => e.includes(metric) && (!by || new RegExp(`by \\([^)]*\\b${by}\\b`).test(e)));
  expect(shows("kaspool_accepted_work_hashes_total", "mode")).toBe(true);
  expect(shows("kaspool_worker_hashrate_hashes_per_second", "worker")).toBe(true);
  expect(shows("kaspool_shares_accepted_total")).toBe(true);
  expect(shows("kaspool_shares_rejected_total", "reason")).toBe(true);
  expect(shows("kaspool_blocks", "status")).toBe(true);
  for (const m of ["kaspool_treasury_spendable_sompi", "kaspool_treasury_immature_sompi", "kaspool_balances_owed_sompi"]) expect(shows(m)).toBe(true);
  for (const m of ["kaspool_node_synced", "kaspool_template_age_seconds", "kaspool_node_rpc_seconds_bucket"]) expect(shows(m)).toBe(true);
});

const metricsDir = "src/metrics";
test("every metric the dashboard uses is defined in src/metrics", () => {
  const source = readdirSync(metricsDir, { recursive: true }).map(String).filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(metricsDir, f), "utf8")).join("\n");
  const missing = [...used].filter((name) => !source.includes(`"${name}"`) && !source.includes(`"${name.slice("kaspool_".length)}"`));
  expect(missing).toEqual([]);
});
