// The kaspool seed's gauge names (metrics.legacyNames): each "1min" figure counts its events of the last sixty
// seconds and falls back to 0 after, the pool-level ones sum a worker name's wallets, and the hashrate gauges are
// in GH/s.

import { expect, test } from "bun:test";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { PoolMetrics } from "../../src/metrics/index.ts";
import type { StratumStats } from "../../src/stratum/stats.ts";

const OTHER = encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0x1e));
const POOL = defaults.treasury.address;

test("seed names: true one-minute windows, per miner and per pool", async () => {
  let now = 1_700_000_000_000;
  const m = new PoolMetrics(configSchema.parse({ ...defaults, metrics: { ...defaults.metrics, legacyNames: true } }), () => now);
  m.attach({ stratum: { stats: () => ({ hashrate: 3e9, workers: [] }) as unknown as StratumStats, bannedIps: () => 0 } });
  const rig = { address: DEVNET_POOL_ADDRESS, worker: "rig" };
  const twin = { address: OTHER, worker: "rig" };
  const value = (text: string, name: string, labels: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? null : Number(line.split(" ").at(-1));
  };
  const miner = (who: { address: string; worker: string }) => `miner_id="${who.worker}",wallet_address="${who.address}"`;
  const pool = `miner_id="rig",pool_address="${POOL}"`;

  for (let i = 0; i < 3; i++) m.stratum.shareAccepted("5555", "pplns", rig, 4, 0.001, now + i);
  m.stratum.shareAccepted("5555", "pplns", twin, 1, 0.001, now);
  m.stratum.blockFound("pplns", "accepted", 0.01, rig, now);
  m.stratum.shareRejected("5555", "pplns", rig, "low-difficulty", now);
  m.stratum.shareRejected("5555", "pplns", rig, "job-not-found", now);
  m.stratum.shareRejected("5555", "pplns", twin, "stale", now);
  m.stratum.shareRejected("5555", "pplns", twin, "duplicate", now);
  now += 30_000;
  let text = await (await m.response()).text();
  expect(value(text, "miner_job_submissions_1min_count", miner(rig))).toBe(5);
  expect(value(text, "added_miner_shares_1min_count", miner(rig))).toBe(3);
  expect(value(text, "miner_invalid_shares_1min_count", miner(rig))).toBe(1);
  expect(value(text, "miner_stale_shares_1min_count", miner(rig))).toBe(1);
  expect(value(text, "miner_isblock_shares_1min_count", miner(rig))).toBe(1);
  expect(value(text, "miner_duplicated_shares_1min_count", miner(twin))).toBe(1);
  // Two wallets' "rig" in one pool-level series.
  expect(value(text, "mined_blocks_1min_count", pool)).toBe(1);
  expect(value(text, "jobs_not_found_1min_count", pool)).toBe(2);
  expect(value(text, "var_diff", 'miner_id="rig"')).not.toBeNull();
  expect(value(text, "pool_hash_rate_GHps", `miner_id="pool",pool_address="${POOL}"`)).toBe(3);
  // Its accepted work over the hashrate window, in GH/s.
  expect(value(text, "miner_hash_rate_GHps", miner(rig))).toBeGreaterThan(0);

  now += 31_000;
  text = await (await m.response()).text();
  for (const name of ["miner_job_submissions_1min_count", "added_miner_shares_1min_count", "miner_invalid_shares_1min_count",
    "miner_stale_shares_1min_count", "miner_isblock_shares_1min_count"]) expect(value(text, name, miner(rig))).toBe(0);
  expect(value(text, "mined_blocks_1min_count", pool)).toBe(0);
  expect(value(text, "jobs_not_found_1min_count", pool)).toBe(0);
  // The counters behind them keep their totals.
  expect(value(text, "kaspool_blocks_found_total", 'mode="pplns"')).toBe(1);
});
