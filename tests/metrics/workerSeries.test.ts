// The opt-in per-worker series stay bounded: a flood of distinct worker names keeps the series count at
// metrics.maxWorkerSeries, the least recently seen worker goes first, and a worker's series go ten minutes after
// its last share. Scraped over HTTP, as Prometheus would.

import { afterAll, expect, test } from "bun:test";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { PoolMetrics } from "../../src/metrics/index.ts";

function metricsWith(metrics: Partial<typeof defaults.metrics>, clock: () => number) {
  const config = configSchema.parse({ ...defaults, metrics: { ...defaults.metrics, ...metrics } });
  return new PoolMetrics(config, clock);
}

let now = 1_700_000_000_000;
const m = metricsWith({ workerSeries: true, maxWorkerSeries: 100, legacyNames: true }, () => now);
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => m.response() });
afterAll(() => server.stop(true));

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}
const series = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`));

test("5,000 distinct workers leave exactly maxWorkerSeries series, the most recent ones", async () => {
  for (let i = 0; i < 5_000; i++) {
    now += 1;
    m.stratum.shareAccepted("5555", "pplns", { address: DEVNET_POOL_ADDRESS, worker: `w${i}` }, 1, 0.0001, now);
  }
  const text = await scrape();
  for (const name of ["kaspool_worker_hashrate_hashes_per_second", "kaspool_worker_difficulty", "kaspool_worker_last_share_timestamp_seconds",
    "miner_hash_rate_GHps", "added_miner_shares_1min_count", "var_diff"]) {
    expect(series(text, name)).toHaveLength(100);
  }
  const workers = series(text, "kaspool_worker_difficulty").map((l) => l.match(/worker="(w\d+)"/)![1]);
  expect(workers).toContain("w4999");
  expect(workers).toContain("w4900");
  expect(workers).not.toContain("w4899");
  // Pool-level counters carry no worker label and count every share.
  expect(text).toContain('kaspool_shares_accepted_total{mode="pplns",port="5555"} 5000');
});

test("the 1-minute figures are a sliding minute, and series go ten minutes after the last share", async () => {
  const who = { address: DEVNET_POOL_ADDRESS, worker: "w4999" };
  m.stratum.shareRejected("5555", "pplns", who, "duplicate", now);
  let text = await scrape();
  expect(text).toContain(`miner_duplicated_shares_1min_count{miner_id="w4999",wallet_address="${DEVNET_POOL_ADDRESS}"} 1`);
  expect(text).toContain(`added_miner_shares_1min_count{miner_id="w4999",wallet_address="${DEVNET_POOL_ADDRESS}"} 1`);
  now += 61_000;
  text = await scrape();
  expect(text).toContain(`miner_duplicated_shares_1min_count{miner_id="w4999",wallet_address="${DEVNET_POOL_ADDRESS}"} 0`);
  expect(text).toContain(`added_miner_shares_1min_count{miner_id="w4999",wallet_address="${DEVNET_POOL_ADDRESS}"} 0`);
  // The counter keeps its total: only the window moved.
  expect(text).toContain('kaspool_shares_rejected_total{mode="pplns",port="5555",reason="duplicate"} 1');
  for (const reason of ["job-not-found", "low-difficulty", "unauthorized", "malformed", "stale"] as const) m.stratum.shareRejected("5555", "pplns", null, reason, now);
  text = await scrape();
  for (const reason of ["job_not_found", "low_difficulty", "unauthorized", "malformed", "stale"]) {
    expect(text).toContain(`kaspool_shares_rejected_total{mode="pplns",port="5555",reason="${reason}"} 1`);
  }

  m.stratum.shareAccepted("5555", "pplns", { address: DEVNET_POOL_ADDRESS, worker: "late" }, 2, 0.0001, now);
  // Ten minutes and a millisecond after the flood's last share: only "late" is younger.
  now += 10 * 60_000 - 61_000 + 1;
  text = await scrape();
  expect(series(text, "kaspool_worker_difficulty").map((l) => l.match(/worker="([^"]+)"/)![1])).toEqual(["late"]);
  now += 10 * 60_000;
  text = await scrape();
  expect(series(text, "kaspool_worker_difficulty")).toHaveLength(0);
  expect(series(text, "miner_hash_rate_GHps")).toHaveLength(0);
});

test("without workerSeries no series carries a worker, whatever the flood", async () => {
  const plain = metricsWith({}, () => now);
  for (let i = 0; i < 1_000; i++) plain.stratum.shareAccepted("5555", "solo", { address: DEVNET_POOL_ADDRESS, worker: `x${i}` }, 1, 0.0001, now);
  const text = await (await plain.response()).text();
  expect(text).not.toContain("worker=");
  expect(text).not.toContain("miner_id=");
  expect(text).toContain('kaspool_accepted_work_hashes_total{mode="solo"} 4294967296000');
  expect(text).toContain("kaspool_process_resident_memory_bytes");
  expect(text).toContain("kaspool_nodejs_eventloop_lag_p99_seconds");
});
