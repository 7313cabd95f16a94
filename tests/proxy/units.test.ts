// The proxy's pure parts: circuit breaker states, nonce-space composition, verdict reasons.

import { describe, expect, test } from "bun:test";
import { CircuitBreaker } from "../../src/proxy/breaker.ts";
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
