// The README stays the reference: every metric the pool or the payer registers is in its Metrics table with the
// same type and labels, every route the Hono app answers is in its HTTP API table (and nothing there is stale),
// and every endpoint spec/observability.md asks for is served.

import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApi } from "../../src/api/app.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { openDatabase } from "../../src/db/database.ts";
import { PoolMetrics, TreasuryMetrics } from "../../src/metrics/index.ts";

const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Table rows of a section: cells split on `|`, header and rule rows left out. */
function rows(text: string): string[][] {
  return text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("|---"))
    .map((l) => l.slice(1, -1).split(" | ").map((c) => c.trim())).slice(1);
}

/** What prom-client keeps on each metric object (its typings leave these out). */
interface RegisteredMetric { name: string; labelNames: string[] }

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

test("every registered metric is in README's Metrics table with its type and labels; the seed names in its prose", async () => {
  const config = configSchema.parse({ ...defaults, metrics: { ...defaults.metrics, workerSeries: true, legacyNames: true } });
  const pool = new PoolMetrics(config);
  const registries = [pool.registry, new TreasuryMetrics().registry];
  const text = section("Metrics");
  const documented = new Map<string, { type: string; labels: string[] }>();
  for (const [names, type, labels] of rows(text)) {
    for (const name of ticked(names!)) documented.set(name, { type: type!, labels: labels === "—" ? [] : labels!.split(", ") });
  }
  const legacy = new Set(["miner_id", "wallet_address", "pool_address"]);
  let checked = 0;
  for (const registry of registries) {
    for (const m of registry.getMetricsAsArray() as unknown as RegisteredMetric[]) {
      const { name } = m;
      if (/^kaspool_(process|nodejs)_/.test(name)) {
        expect(documented.has(`kaspool_${name.split("_")[1]}_*`)).toBe(true);
        continue;
      }
      const labelNames = [...m.labelNames];
      if (!name.startsWith("kaspool_")) {
        // The seed's names, kept for its dashboards: listed in the "Seed names" paragraph with their labels.
        expect(text).toContain(`\`${name}`);
        for (const l of labelNames) expect(legacy.has(l)).toBe(true);
        continue;
      }
      const doc = documented.get(name);
      if (!doc) throw new Error(`${name} is registered but not in README's Metrics table`);
      const type = (await registry.getSingleMetricAsString(name)).match(/^# TYPE \S+ (\w+)$/m)![1];
      expect(`${name}: ${doc.type}`).toBe(`${name}: ${type}`);
      expect(`${name}: ${doc.labels.sort().join(",")}`).toBe(`${name}: ${labelNames.sort().join(",")}`);
      expect((await registry.getSingleMetricAsString(name)).match(/^# HELP \S+ (.+)$/m)?.[1]?.length ?? 0).toBeGreaterThan(10);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(35);
  // Nothing in the table the pool no longer registers.
  const registered = new Set(registries.flatMap((r) => (r.getMetricsAsArray() as unknown as RegisteredMetric[]).map((m) => m.name)));
  for (const name of documented.keys()) if (!name.endsWith("_*")) expect(`${name} ${registered.has(name)}`).toBe(`${name} true`);
});

/** The endpoints spec/observability.md lists, in Hono's route syntax. */
const SPEC_ENDPOINTS = [
  "/config", "/balance", "/balance/:address", "/total", "/total/:address", "/health", "/ready", "/metrics",
  "/api/v1/pool", "/api/v1/pool/hashrate", "/api/v1/pool/blocks", "/api/v1/pool/blocks/:hash", "/api/v1/pool/payments",
  "/api/v1/pool/miners", "/api/v1/miners/:address", "/api/v1/miners/:address/workers", "/api/v1/miners/:address/hashrate",
  "/api/v1/miners/:address/payments", "/api/v1/miners/:address/ledger", "/api/v1/miners/:address/earnings/daily",
  "/api/v1/miners/:address/blocks", "/api/v1/miners/:address/rejects", "/api/v1/events",
];

const db = await openDatabase({ url: null, embeddedPath: "memory://" });
afterAll(() => db.close());

test("every route the API answers is in README's HTTP API table and the spec's list, and the other way round", () => {
  const api = createApi({ db, config: configSchema.parse(defaults) });
  try {
    const routes = new Set(api.app.routes.filter((r) => r.method === "GET").map((r) => r.path));
    const documented = new Set<string>();
    for (const [paths] of rows(section("HTTP API"))) {
      for (const p of ticked(paths!)) documented.add(p.replace(/^…/, "/api/v1/miners/:address").replace(/\[\?.*\]$/, ""));
    }
    expect([...routes].sort()).toEqual([...documented].sort());
    // Beside the spec's endpoints, the dashboard's pages and files (README's Dashboard section).
    expect([...routes].sort()).toEqual([...SPEC_ENDPOINTS, "/", "/miners/:address", "/assets/*"].sort());
  } finally {
    api.close();
  }
});
