// A share difficulty above the network difficulty, over TCP against the devnet: the port's fixed difficulty and a
// `d=` password are clamped to the network difficulty before the first job, and a block is found, submitted and
// recorded.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { bitsToTarget, difficultyToTarget, networkDifficulty, targetToBits } from "../../src/kaspa/target.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, startPool, TestClient, type Pool } from "./harness.ts";

const DEVNET_DIFF = 3 * 2 ** -22; // not a power of two: ~3,000 hashes a block
const BITS = targetToBits(difficultyToTarget(DEVNET_DIFF));
const NET_DIFF = networkDifficulty(BITS);
const NET_TARGET = bitsToTarget(BITS);

let pool: Pool;
const clients: TestClient[] = [];

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: DEVNET_DIFF,
    bps: 1,
    stratum: {
      ports: [
        { port: 0, mode: "pplns", difficulty: 1, vardiff: false, encoding: "auto" },
        {
          port: 0, mode: "pplns", difficulty: 2 ** -24, encoding: "auto",
          vardiff: { targetSharesPerMinute: 20, minDifficulty: 2 ** -24, maxDifficulty: 1e6, intervalSeconds: 60, powerOfTwo: "auto" },
        },
      ],
    },
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await pool?.stop();
});

/** subscribe + authorize; the difficulty announced before the first job, and that job. */
async function ready(port: number, agent: string, user: string, password: string) {
  const c = await TestClient.connect(port);
  clients.push(c);
  await c.reply(c.send("mining.subscribe", [agent]));
  await c.reply(c.send("mining.authorize", [user, password]));
  let extranonce = "";
  const difficulties: number[] = [];
  for (;;) {
    const m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.set_difficulty") difficulties.push(m.params[0]);
    if (m.method === "mining.notify") return { c, notify: m, extranonce, difficulties };
  }
}

/** Mines a block nonce on the job and submits it: the reply, and the block the pool recorded. */
async function submitBlock(c: TestClient, notify: Record<string, any>, encoding: "words" | "bigheader", extranonce: string) {
  const job = jobFromNotify(notify, encoding);
  const nonce = mine(job, 1, extranonce, 0n, (p) => p <= NET_TARGET);
  const before = pool.sink.blocks.length;
  const reply = await c.reply(c.send("mining.submit", ["w", job.jobId, nonceHex(nonce)]));
  return { reply, block: pool.sink.blocks[before], nonce };
}

test("a fixed port difficulty above the network difficulty is clamped to it, and blocks are found and recorded", async () => {
  const { c, notify, extranonce, difficulties } = await ready(pool.stratum.ports[0]!, "lolMiner 1.72", `${minerAddress(1)}.fixed`, "x");
  expect(difficulties).toEqual([NET_DIFF]);
  const shares = pool.sink.shares.length;
  const { reply, block, nonce } = await submitBlock(c, notify, "words", extranonce);
  expect(reply.result).toBe(true);
  expect(block).toMatchObject({ address: minerAddress(1), worker: "fixed", accepted: true });
  expect(pool.devnet.acceptedBlocks().some((b) => b.hash === block!.hash)).toBe(true);
  // Credited like any share, at the difficulty in force.
  expect(pool.sink.shares[shares]).toMatchObject({ worker: "fixed", nonce, difficulty: NET_DIFF });
});

test("a d= password above the network difficulty on a power-of-two connection gets the power of two below it", async () => {
  const { c, notify, extranonce, difficulties } =
    await ready(pool.stratum.ports[1]!, "IceRiverMiner-v1.1", `${minerAddress(2)}.ice`, "d=1024");
  expect(difficulties).toEqual([2 ** Math.floor(Math.log2(NET_DIFF))]);
  expect(difficulties[0]!).toBeLessThanOrEqual(NET_DIFF);
  const { reply, block } = await submitBlock(c, notify, "bigheader", extranonce);
  expect(reply.result).toBe(true);
  expect(block).toMatchObject({ worker: "ice", accepted: true });
});
