// End to end: devnet + NodeClient + stratum + two CPU miners from src/miner, one per job encoding.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { minerAddress, startPool, type Pool } from "./harness.ts";

let pool: Pool;
const miners: Miner[] = [];

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: 2 ** -18,
    bps: 2,
    stratum: {
      ports: [{
        port: 0, mode: "pplns", difficulty: 2 ** -26, encoding: "auto",
        vardiff: { targetSharesPerMinute: 60, minDifficulty: 2 ** -29, maxDifficulty: 1, intervalSeconds: 2, powerOfTwo: "auto" },
      }],
    },
  });
});

afterAll(async () => {
  await Promise.all(miners.map((m) => m.stop()));
  await pool?.stop();
});

test("two CPU miners (big-header and 4-word) get shares accepted and a block into the devnet", async () => {
  const url = `stratum+tcp://127.0.0.1:${pool.stratum.ports[0]}`;
  miners.push(await startMiner({ url, user: `${minerAddress(1)}.ice`, agent: "IceRiverMiner-v1.1", threads: 1 }));
  miners.push(await startMiner({ url, user: `${minerAddress(2)}.lol`, agent: "lolMiner 1.72", threads: 1 }));
  await Promise.all(miners.map((m) => m.firstAccepted));

  const deadline = Date.now() + 12_000;
  while (Date.now() < deadline && !pool.sink.blocks.some((b) => b.accepted)) await Bun.sleep(100);
  const block = pool.sink.blocks.find((b) => b.accepted);
  expect(block).toBeDefined();
  expect(pool.devnet.acceptedBlocks().some((b) => b.hash === block!.hash)).toBe(true);

  for (const m of miners) {
    expect(m.stats().accepted).toBeGreaterThan(0);
    expect(m.stats().rejected).toBe(0);
  }
  const workers = pool.stratum.stats().workers.map((w) => w.worker).sort();
  expect(workers).toEqual(["ice", "lol"]);
});
