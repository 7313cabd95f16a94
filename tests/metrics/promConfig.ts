// The repo's Prometheus config, its targets rewritten to the ports a test started: the Pushgateway job (the one
// with honor_labels, or a target naming the gateway) to the test's gateway, the job scraping kaspool to the test's
// /metrics, every other job and file reference (rules, alerting, remote write) dropped.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the ops files may keep it; tests/metrics/prometheus.yml stands in until one exists. */
const CANDIDATES = ["prometheus.yml", "ops/prometheus.yml", "ops/prometheus/prometheus.yml", "prometheus/prometheus.yml", "tests/metrics/prometheus.yml"];

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  static_configs?: Array<{ targets?: string[]; labels?: Record<string, string> }>;
  [key: string]: unknown;
}

export function testPrometheusConfig(root: string, targets: { metrics: string; gateway: string }) {
  const file = CANDIDATES.map((c) => join(root, c)).find((f) => existsSync(f))!;
  const config = Bun.YAML.parse(readFileSync(file, "utf8")) as { global?: Record<string, unknown>; scrape_configs?: ScrapeConfig[] };
  const jobs = config.scrape_configs ?? [];
  const targetsOf = (j: ScrapeConfig) => (j.static_configs ?? []).flatMap((s) => s.targets ?? []);
  const isGateway = (j: ScrapeConfig) => j.honor_labels === true || targetsOf(j).some((t) => /pushgateway|:9091$/.test(t));
  const gateway = jobs.find(isGateway);
  const pool = jobs.find((j) => !isGateway(j) && (/kaspool|pool/i.test(j.job_name) || targetsOf(j).some((t) => /kaspool|pool|:8080$/.test(t))));
  if (!gateway || !pool) throw new Error(`${file}: needs a kaspool job and a Pushgateway job`);
  const retarget = (j: ScrapeConfig, target: string): ScrapeConfig => ({
    ...j, scrape_interval: "1s", static_configs: [{ ...(j.static_configs?.[0] ?? {}), targets: [target] }],
  });
  const rewritten = {
    global: { ...(config.global ?? {}), scrape_interval: "1s", evaluation_interval: "1s" },
    scrape_configs: [retarget(pool, targets.metrics), retarget(gateway, targets.gateway)],
  };
  // JSON is YAML: Prometheus reads it as is.
  return { file, yaml: JSON.stringify(rewritten, null, 2), poolJob: pool.job_name, gatewayJob: gateway.job_name };
}
