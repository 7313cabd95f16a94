// The wrong-job-id search over TCP: an IceRiver share sent under the id of a newer job is credited on the job it
// was mined on; the same share from lolMiner, whose ids are right, is judged on the job it names only.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { jobFromNotify, minerAddress, nonceHex, startPool, TestClient, type MinedJob, type Pool } from "./harness.ts";

const SHARE_DIFF = 2 ** -29; // one hash in 8 is a share
const TARGET = difficultyToTarget(SHARE_DIFF);

let pool: Pool;
const clients: TestClient[] = [];

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: 1e6,
    // Two jobs a second: no third job is sent between the second one and the share, so "older" is the only other.
    bps: 2,
    stratum: { jobThrottleMs: 100, ports: [{ port: 0, mode: "pplns", difficulty: SHARE_DIFF, vardiff: false, encoding: "auto" }] },
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await pool?.stop();
});

/** Connects and returns the first two jobs, oldest first. */
async function twoJobs(agent: string, user: string) {
  const c = await TestClient.connect(pool.stratum.ports[0]!);
  clients.push(c);
  await c.reply(c.send("mining.subscribe", [agent]));
  await c.reply(c.send("mining.authorize", [user, "x"]));
  const encoding = agent.startsWith("IceRiver") ? "bigheader" : "words";
  let extranonce = "";
  const jobs: MinedJob[] = [];
  while (jobs.length < 2) {
    const m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") jobs.push(jobFromNotify(m, encoding));
  }
  return { c, extranonce, older: jobs[0]!, newer: jobs[1]! };
}

/** A nonce (extranonce in front) that is a share on `on` and not on `not`. */
function shareOnlyOn(on: MinedJob, not: MinedJob, extranonce: string): bigint {
  const prefix = BigInt("0x" + extranonce) << BigInt(64 - 4 * extranonce.length);
  for (let n = 0n; ; n++) {
    const nonce = prefix | n;
    if (on.pow.pow(nonce) < TARGET && not.pow.pow(nonce) >= TARGET) return nonce;
  }
}

test("IceRiver: a share under a newer job's id is found on the older job and credited there", async () => {
  const { c, extranonce, older, newer } = await twoJobs("IceRiverMiner-v1.1", `${minerAddress(1)}.ice`);
  const nonce = shareOnlyOn(older, newer, extranonce);
  expect((await c.reply(c.send("mining.submit", ["w", newer.jobId, nonceHex(nonce)]))).result).toBe(true);
  expect(pool.sink.shares.at(-1)).toMatchObject({ worker: "ice", jobId: String(older.jobId), nonce });
});

test("lolMiner: the same kind of share is judged on the job it names, 23", async () => {
  const { c, extranonce, older, newer } = await twoJobs("lolMiner 1.72", `${minerAddress(2)}.lol`);
  const nonce = shareOnlyOn(older, newer, extranonce);
  const reply = await c.reply(c.send("mining.submit", ["w", newer.jobId, nonceHex(nonce)]));
  expect(reply.error).toEqual([23, "Invalid difficulty", null]);
});
