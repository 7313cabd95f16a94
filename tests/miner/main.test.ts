// The miner CLI as a user runs it: flags, mining against a pool, the summary on Ctrl-C.

import { afterAll, describe, expect, test } from "bun:test";
import { startPool } from "../stratum/harness.ts";
import { FixturePool } from "./fixturePool.ts";

const MAIN = new URL("../../src/miner/main.ts", import.meta.url).pathname;
const pool = new FixturePool({ difficultyLog2: -18 }).start();

afterAll(() => pool.stop());

function spawn(args: string[]) {
  return Bun.spawn([process.execPath, "run", MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
}

describe("bun run miner", () => {
  test.each([
    [["--user", "a.b"], "miner: --url is required"],
    [["--url", "http://x", "--user", "a.b"], 'miner: invalid stratum url "http://x": expected stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT'],
    [["--url", "stratum+tcp://127.0.0.1:1", "--user", "a.b", "--threads", "0"], "miner: --threads must be a positive integer"],
    [["--frobnicate"], "miner: Unknown option '--frobnicate'"],
  ])("%p exits 2 with one clear line", async (args, message) => {
    const proc = spawn(args);
    expect(await proc.exited).toBe(2);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr.split("\n")[0]).toBe(message);
    expect(stderr).not.toContain("    at ");
  });

  test("a login the pool refuses ends the miner with exit 1 and the pool's reason", async () => {
    // A real pool on the devnet, given a mainnet address.
    const real = await startPool({ devnetDifficulty: 1, stratum: { ports: [{ port: 0, mode: "pplns" }] } });
    try {
      const proc = spawn(["--url", `stratum+tcp://127.0.0.1:${real.stratum.ports[0]}`, "--user", "kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3.rig"]);
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      expect(await proc.exited).toBe(1);
      clearTimeout(timer);
      const stderr = await new Response(proc.stderr).text();
      expect(stderr).toContain("authorize refused");
      expect(stderr).toContain("wrong network");
    } finally {
      await real.stop();
    }
  }, 20_000);

  test("mines, and prints its totals on SIGINT", async () => {
    const proc = spawn(["--url", pool.url, "--user", "kaspadev:qqcli.rig", "--threads", "1"]);
    await pool.until(() => pool.submits.some((s) => s.valid), 15_000);
    // Let the pool's reply reach the miner before interrupting it.
    await Bun.sleep(300);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    const stdout = await new Response(proc.stdout).text();
    expect(stdout).toContain("connected pool=127.0.0.1:");
    expect(stdout).toMatch(/total hashrate=[\d.]+ kH\/s accepted=[1-9]\d* rejected=0/);
  }, 20_000);
});
