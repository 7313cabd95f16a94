// The share-rate cap over real TCP, with a client that submits as fast as it can mine.

import { expect, test } from "bun:test";
import { jobFromNotify, mine, minerAddress, nonceHex, sharedPool, TestClient } from "./harness.ts";

const D = 2 ** -29;
// Fixed port: cap 120/min, aim 30/min; over a 2 s window the cap is 4 submits.
// Vardiff port: aim 15/min (its target), cap 60/min; 2 submits per window.
const shared = sharedPool({
  ports: [
    { port: 0, mode: "pplns", difficulty: D, vardiff: false, encoding: "auto" },
    {
      port: 0, mode: "pplns", difficulty: D, encoding: "auto",
      vardiff: { targetSharesPerMinute: 15, minDifficulty: 1e-9, maxDifficulty: 1e15, intervalSeconds: 60, powerOfTwo: false },
    },
  ],
  shareRateCap: { windowSeconds: 2, overTarget: 4, fixedSharesPerMinute: 120 },
});

async function miner(n: number, port = shared.port) {
  const c = await TestClient.connect(port);
  const user = `${minerAddress(n)}.w`;
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  await c.reply(c.send("mining.authorize", [user, "x"]));
  let extranonce = "";
  for (;;) {
    const m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") return { c, user, extranonce, job: jobFromNotify(m, "words") };
  }
}

/** Submits `count` valid shares at once and reads what comes back until every reply is in. */
async function flood(m: Awaited<ReturnType<typeof miner>>, count: number, from: bigint) {
  let nonce = from;
  const ids: unknown[] = [];
  for (let i = 0; i < count; i++) {
    nonce = mine(m.job, D, m.extranonce, nonce + 1n);
    ids.push(m.c.send("mining.submit", [m.user, m.job.jobId, nonceHex(nonce)]));
  }
  const difficulties: number[] = [];
  let replies = 0;
  while (replies < count) {
    const msg = await m.c.message();
    if (msg.method === "mining.set_difficulty") difficulties.push(msg.params[0]);
    else if (ids.includes(msg.id)) replies++;
  }
  return { difficulties, next: nonce };
}

test("a fast submitter gets its difficulty raised at once, and is closed if it keeps going", async () => {
  const m = await miner(1);
  const first = await flood(m, 6, 0n);
  expect(first.difficulties).toHaveLength(1);
  expect(first.difficulties[0]!).toBeGreaterThanOrEqual(4 * D);
  for (let i = 0; i < 6 && !m.c.closed; i++) m.c.send("mining.submit", [m.user, m.job.jobId, nonceHex(mine(m.job, D, m.extranonce, first.next + 1n + BigInt(i) * 1000n))]);
  expect(await m.c.closedByServer(2_000)).toBe(true);
});

test("one that slows down after the raise stays connected", async () => {
  const m = await miner(2);
  const first = await flood(m, 6, 0n);
  expect(first.difficulties).toHaveLength(1);
  await Bun.sleep(2_100);
  const later = await flood(m, 2, first.next + 1_000n);
  expect(later.difficulties).toEqual([]);
  expect(m.c.closed).toBe(false);
  m.c.close();
});

test("on a vardiff port the cap is a multiple of the vardiff target", async () => {
  const m = await miner(3, shared.pool.stratum.ports[1]!);
  const first = await flood(m, 3, 0n);
  // Over the cap (60/min, 4× the aim) means raised more than 4×; 3 submits within a second would be exactly 12×.
  expect(first.difficulties).toHaveLength(1);
  expect(first.difficulties[0]!).toBeGreaterThan(4 * D);
  expect(first.difficulties[0]!).toBeLessThanOrEqual(12 * D);
  m.c.close();
});
