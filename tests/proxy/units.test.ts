// The proxy's pure parts: circuit breaker states, nonce-space composition, verdict reasons, local difficulty.

import { describe, expect, test } from "bun:test";
import { CircuitBreaker } from "../../src/proxy/breaker.ts";
import { ConnectionDifficulty } from "../../src/stratum/difficulty.ts";
import { classifyMiner } from "../../src/stratum/minerType.ts";
import { NonceSpace } from "../../src/proxy/nonceSpace.ts";
import { verdictReason } from "../../src/proxy/stats.ts";

describe("circuit breaker", () => {
  test("opens after N consecutive failures, half-opens after the cool-down, a failed probe re-opens it at once", () => {
    const b = new CircuitBreaker(3, 1_000);
    expect([b.failure(0), b.failure(10)]).toEqual([false, false]);
    expect(b.state(10)).toBe("closed");
    b.success();
    expect([b.failure(20), b.failure(30), b.failure(40)]).toEqual([false, false, true]);
    expect(b.state(1_039)).toBe("open");
    expect(b.allows(1_039)).toBe(false);
    expect(b.state(1_040)).toBe("half-open");
    expect(b.allows(1_040)).toBe(true);
    // One failed probe is enough, and the cool-down starts again from it.
    expect(b.failure(1_100)).toBe(true);
    expect(b.state(2_099)).toBe("open");
    expect(b.state(2_100)).toBe("half-open");
    b.success();
    expect(b.state(2_100)).toBe("closed");
    expect(b.consecutiveFailures).toBe(0);
  });
});

describe("nonce space", () => {
  test("the upstream's extranonce, then the miner's own bytes; at least 4 bytes left to the miner", () => {
    expect(NonceSpace.compose("a001", "07")).toBe("a00107");
    expect(NonceSpace.compose("", "07")).toBe("07");
    expect(NonceSpace.compose("a0a1a2", "07")).toBe("a0a1a207");
    expect(NonceSpace.compose("a0a1a2a3", "07")).toBeNull();
  });

  test("local parts are unique while held, reused once released, refused when all are taken", () => {
    const space = new NonceSpace(1);
    const taken = Array.from({ length: 256 }, () => space.allocate());
    expect(new Set(taken).size).toBe(256);
    expect(space.allocate()).toBeNull();
    space.release(taken[17]!);
    expect(space.allocate()).toBe(taken[17]!);
    expect(space.capacity).toBe(256);
  });
});

test("upstream verdicts are counted by the stratum reason of their code", () => {
  expect(verdictReason(23, "Invalid difficulty")).toBe("low-difficulty");
  expect(verdictReason(21, "Job not found")).toBe("job-not-found");
  expect(verdictReason(22, "Duplicate share submitted")).toBe("duplicate");
  expect(verdictReason(null, "Upstream did not answer the share in time")).toBe("timeout");
  expect(verdictReason(20, "Upstream connection lost")).toBe("disconnected");
  expect(verdictReason(-1, "whatever")).toBe("other");
});

describe("local difficulty", () => {
  const port = (vardiff: false | { targetSharesPerMinute: number; minDifficulty: number; maxDifficulty: number; intervalSeconds: number; powerOfTwo: boolean | "auto" }) =>
    ({ port: 0, mode: "pplns" as const, difficulty: 4, encoding: "auto" as const, proxyProtocol: false, vardiff });
  const gpu = classifyMiner("lolMiner 1.72", "auto");

  test("never above the upstream's difficulty for the job; vardiff moves it from the next job on", () => {
    const d = new ConnectionDifficulty(port({ targetSharesPerMinute: 60, minDifficulty: 1, maxDifficulty: 1e6, intervalSeconds: 10, powerOfTwo: false }), 0);
    expect(d.start(gpu, "d=16", 8, 0)).toBe(8);
    expect(d.forJob(64, 0)).toBe(16);
    // 100 shares in 10 s aimed at 10: raised, but only with the next job, and not past the upstream's 64.
    for (let i = 0; i < 100; i++) d.share();
    d.tick(10_000);
    expect(d.current).toBe(16);
    expect(d.forJob(64, 10_000)).toBe(64);
    expect(d.forJob(64, 10_001)).toBeNull();
  });

  test("a fixed port keeps its difficulty under the upstream's", () => {
    const d = new ConnectionDifficulty(port(false), 0);
    expect(d.start(gpu, "x", 100, 0)).toBe(4);
    expect(d.forJob(2, 0)).toBe(2);
    expect(d.forJob(100, 0)).toBe(4);
  });
});
