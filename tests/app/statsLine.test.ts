import { expect, test } from "bun:test";
import { statsFields } from "../../src/app/statsLine.ts";
import { StatsCounters } from "../../src/stratum/stats.ts";
import type { StratumStats } from "../../src/stratum/stats.ts";

const T0 = 1_700_000_000_000;

function stats(counters: StatsCounters, now: number): StratumStats {
  return {
    connections: 1, workers: [], hashrate: counters.pool.rate(now), hashrate1m: counters.poolShort.rate(now),
    shares: { accepted: counters.accepted, rejected: { ...counters.rejected } }, blocks: { ...counters.blocks },
    templates: { followers: 1, soloFollowers: 0, jobs: 1 },
  };
}

test("the stats line shows a 1-minute and a 10-minute hashrate, each named by its window", () => {
  const c = new StatsCounters(T0);
  // Idle for 9 minutes, then 1000 share units (4.3 TH) in the last minute: the short window sees the miner's pace.
  for (let i = 0; i < 60; i++) c.shareAccepted(1000 / 60, T0 + 540_000 + i * 1000);
  const fields = statsFields(stats(c, T0 + 600_000), 600);
  expect(fields.hashrate_1m).toBe("71.58 GH/s");
  expect(fields.hashrate_10m).toMatch(/^7\.\d\d GH\/s$/);
});

test("before the windows are full, the stats line names the time actually covered", () => {
  const c = new StatsCounters(T0);
  c.shareAccepted(1, T0 + 1_000);
  const fields = statsFields(stats(c, T0 + 45_000), 45);
  expect(Object.keys(fields)).toContain("hashrate_45s");
  expect(fields.hashrate_45s).toBe("95.44 MH/s");
});
