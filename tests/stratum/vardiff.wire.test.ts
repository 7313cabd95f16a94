// Vardiff and job throttling over the wire: a new difficulty is announced before the next job and applies from
// that job on; jobs are pushed at most once per jobThrottleMs.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, startPool, TestClient, type Pool } from "./harness.ts";

const START = 2 ** -29;
let pool: Pool;

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: 1e6,
    bps: 10,
    stratum: {
      jobThrottleMs: 400,
      ports: [{
        port: 0, mode: "pplns", difficulty: START, encoding: "auto",
        vardiff: { targetSharesPerMinute: 20, minDifficulty: 1e-9, maxDifficulty: 1, intervalSeconds: 1, powerOfTwo: false },
      }],
    },
  });
});

afterAll(async () => {
  await pool?.stop();
});

test("too many shares: set_difficulty comes right before the next notify; older jobs keep their difficulty", async () => {
  const c = await TestClient.connect(pool.stratum.ports[0]!);
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  await c.reply(c.send("mining.authorize", [`${minerAddress(1)}.fast`, "x"]));
  let extranonce = "";
  let m;
  do {
    m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
  } while (m.method !== "mining.notify");
  const oldJob = jobFromNotify(m, "words");
  let from = 0n;
  for (let i = 0; i < 30; i++) {
    const nonce = mine(oldJob, START, extranonce, from);
    from = (nonce & 0xffffffffffffn) + 1n;
    const r = await c.reply(c.send("mining.submit", ["w", oldJob.jobId, nonceHex(nonce)]));
    expect(r.result).toBe(true);
  }

  // Skip jobs until the difficulty changes; the very next line must be a notify.
  let newDifficulty = 0;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    m = await c.message();
    if (m.method === "mining.set_difficulty") {
      newDifficulty = m.params[0];
      break;
    }
  }
  expect(newDifficulty).toBeGreaterThan(START);
  const next = await c.message();
  expect(next.method).toBe("mining.notify");
  const newJob = jobFromNotify(next, "words");

  // Work on the old job is still judged at the old difficulty...
  const between = (p: bigint) => p < difficultyToTarget(START) && p >= difficultyToTarget(newDifficulty);
  const oldShare = mine(oldJob, START, extranonce, from, between);
  expect((await c.reply(c.send("mining.submit", ["w", oldJob.jobId, nonceHex(oldShare)]))).result).toBe(true);
  // ...and work on the new job at the new one: too little for it (lolMiner's shares are not searched on other jobs).
  const newShare = mine(newJob, START, extranonce, (oldShare & 0xffffffffffffn) + 1n, between);
  const r = await c.reply(c.send("mining.submit", ["w", newJob.jobId, nonceHex(newShare)]));
  expect(r.error[0]).toBe(23);
  c.close();
});

test("jobs are throttled per connection: at most one per jobThrottleMs at 10 templates a second", async () => {
  const c = await TestClient.connect(pool.stratum.ports[0]!);
  await c.reply(c.send("mining.subscribe", ["IceRiverMiner-v1.1"]));
  await c.reply(c.send("mining.authorize", [`${minerAddress(2)}.slow`, "x"]));
  const times: number[] = [];
  const end = Date.now() + 2_000;
  while (Date.now() < end) {
    const msg = await c.message(3_000).catch(() => null);
    if (msg?.method === "mining.notify") times.push(Date.now());
  }
  expect(times.length).toBeGreaterThanOrEqual(3);
  expect(times.length).toBeLessThanOrEqual(7);
  for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(350);
  c.close();
});
