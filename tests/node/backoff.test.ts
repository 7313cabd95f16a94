import { expect, test } from "bun:test";
import { reconnectDelayMs } from "../../src/node/backoff.ts";

test("delays double per attempt between half and all of the step, capped at the maximum", () => {
  expect([0, 1, 2, 3].map((a) => reconnectDelayMs(a, 100, 10_000, () => 0))).toEqual([50, 100, 200, 400]);
  expect([0, 1, 2, 3].map((a) => reconnectDelayMs(a, 100, 10_000, () => 1))).toEqual([100, 200, 400, 800]);
  expect(reconnectDelayMs(50, 100, 10_000, () => 0.5)).toBe(7500);
  expect(reconnectDelayMs(10_000, 100, 10_000, () => 1)).toBe(10_000);
});

test("random jitter stays inside the bounds", () => {
  for (let i = 0; i < 200; i++) {
    const d = reconnectDelayMs(4, 250, 3000);
    expect(d).toBeGreaterThanOrEqual(1500);
    expect(d).toBeLessThanOrEqual(3000);
  }
});
