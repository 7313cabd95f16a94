// The miner over real TCP against a scripted pool (tests/miner/fixturePool.ts) that verifies every nonce with PowState.

import { afterEach, describe, expect, test } from "bun:test";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { FixturePool } from "./fixturePool.ts";

const USER = "kaspadev:qqtestaddress.rig1";
// 2^-18: about 16k hashes per share, a fraction of a second on one thread.
const DIFF_LOG2 = -18;

let pool: FixturePool | null = null;
let miners: Miner[] = [];

afterEach(async () => {
  await Promise.all(miners.map((m) => m.stop()));
  miners = [];
  pool?.stop();
  pool = null;
});

async function mine(agent?: string, threads = 1, opts: { rejectWith?: () => unknown[] | null } = {}) {
  pool = new FixturePool({ difficultyLog2: DIFF_LOG2, ...opts }).start();
  const miner = await startMiner({ url: pool.url, user: USER, agent, threads });
  miners.push(miner);
  return { pool, miner };
}

function withTimeout<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms))]);
}

describe("CPU miner against a scripted pool", () => {
  test.each([
    ["default agent, 4-word jobs, set_extranonce [en, size]", undefined],
    ["lolMiner, 4-word jobs", "lolMiner 1.72"],
    ["IceRiver, 80-hex big header jobs, mining.set_extranonce [en]", "IceRiverMiner-v1.1"],
    ["Bitmain, extranonce from the subscribe result", "GodMiner/1.0"],
  ])("%s: shares are valid and accepted", async (_name, agent) => {
    const { pool, miner } = await mine(agent);
    await withTimeout(miner.firstAccepted);
    const s = pool.submits[0]!;
    expect(s.valid).toBe(true);
    expect(s.params).toEqual([USER, "1", expect.stringMatching(/^[0-9a-f]{16}$/)]);
    expect((s.params[2] as string).startsWith(pool.extranonceOf(s.conn))).toBe(true);
    const stats = miner.stats();
    expect(stats.accepted).toBeGreaterThanOrEqual(1);
    expect(stats.rejected).toBe(0);
    expect(stats.lastError).toBeNull();
    expect(pool.received[0]).toBe(`{"id":1,"method":"mining.subscribe","params":["${agent ?? "kaspool-cpuminer/0.1"}"]}`);
  });

  test("a new job replaces the old work at once", async () => {
    const { pool, miner } = await mine();
    await withTimeout(miner.firstAccepted);
    const job2 = pool.newJob();
    await pool.until(() => pool.submits.some((s) => s.jobId === job2.id));
    const sentAfter = pool.submits.length;
    // Once a job-2 share arrived, every later share is for job 2.
    await pool.until(() => pool.submits.length >= sentAfter + 3);
    expect(pool.submits.slice(sentAfter).every((s) => s.jobId === job2.id && s.valid)).toBe(true);
  });

  test("two threads scan disjoint halves of the nonce space", async () => {
    const { pool, miner } = await mine(undefined, 2);
    const half = (n: bigint) => (n >> 47n) & 1n;
    await pool.until(() => new Set(pool.submits.map((s) => half(s.nonce))).size === 2, 15_000);
    expect(pool.submits.every((s) => s.valid)).toBe(true);
    expect(new Set(pool.submits.map((s) => s.nonce)).size).toBe(pool.submits.length);
    expect(miner.stats().hashes).toBeGreaterThan(0);
  });

  test("rejections are counted with the pool's reason", async () => {
    const { pool, miner } = await mine(undefined, 1, { rejectWith: () => [22, "Duplicate share submitted", null] });
    await pool.until(() => pool.submits.length >= 2);
    await pool.until(() => miner.stats().rejected >= 2);
    expect(miner.stats().accepted).toBe(0);
    expect(miner.stats().lastError).toBe("share rejected: 22 Duplicate share submitted");
  });

  test("it reconnects after the pool drops it and mines on", async () => {
    const { pool, miner } = await mine();
    await withTimeout(miner.firstAccepted);
    pool.dropAll();
    await pool.until(() => pool.connections === 2);
    const [conn] = pool.connectionIds();
    await pool.until(() => pool.submits.some((s) => s.conn === conn && s.valid));
    expect(miner.stats().lastError).toContain("disconnected");
  });

  test("a pool that is down at start is retried until it comes up", async () => {
    const probe = new FixturePool({ difficultyLog2: DIFF_LOG2 }).start();
    const url = probe.url;
    probe.stop();
    const miner = await startMiner({ url, user: USER });
    miners.push(miner);
    expect(miner.stats().lastError).toStartWith("cannot connect to 127.0.0.1:");
    pool = new FixturePool({ difficultyLog2: DIFF_LOG2 }).start(Number(url.split(":").at(-1)));
    await withTimeout(miner.firstAccepted);
    expect(miner.stats().accepted).toBeGreaterThanOrEqual(1);
  });

  test("a harder difficulty applies to the current job at once", async () => {
    const { pool, miner } = await mine(undefined, 2);
    await withTimeout(miner.firstAccepted);
    const [conn] = pool.connectionIds();
    pool.send(conn!, { id: null, method: "mining.set_difficulty", params: [2 ** (DIFF_LOG2 + 2)] });
    const before = pool.submits.length;
    await pool.until(() => pool.submits.length >= before + 3, 15_000);
    // Skip a share that may have been in flight; the rest are 4x harder than the job's difficulty.
    const later = pool.submits.slice(before + 1);
    const target = 1n << BigInt(224 - DIFF_LOG2 - 2);
    expect(later.every((s) => s.valid && pool.jobPow(s) < target)).toBe(true);
  }, 20_000);

  test("bad url is refused up front", async () => {
    expect(startMiner({ url: "http://x", user: USER })).rejects.toThrow("invalid stratum url");
    expect(startMiner({ url: "stratum+tcp://127.0.0.1:1", user: USER, threads: 0 })).rejects.toThrow("threads");
  });
});
