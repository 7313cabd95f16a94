import { expect, test } from "bun:test";
import { ShareRateCap } from "../../src/stratum/shareRate.ts";

// Aim 60/min, cap 4× over a 10 s window: 40 submits per window.
test("under the cap nothing happens; over it the first verdict is a raise fitting the rate, the next a close", () => {
  const cap = new ShareRateCap(10, 4, 0);
  for (let i = 0; i < 40; i++) expect(cap.record(5_000, 60)).toBeNull();
  const v = cap.record(5_000, 60) as { raiseBy: number };
  expect(v.raiseBy).toBeCloseTo((41 * 60) / 5 / 60, 6);
  for (let i = 0; i < 40; i++) expect(cap.record(6_000, 60)).toBeNull();
  expect(cap.record(6_000, 60)).toBe("close");
});

test("a window under the cap after a raise forgives it", () => {
  const cap = new ShareRateCap(10, 4, 0);
  for (let i = 0; i < 41; i++) cap.record(100, 60);
  cap.record(5_000, 60);
  for (let i = 0; i < 41; i++) expect(cap.record(20_000, 60) === "close").toBe(false);
});

test("a burst in one instant counts as spread over a second", () => {
  const cap = new ShareRateCap(10, 4, 0);
  let v = null;
  for (let i = 0; i < 41; i++) v = cap.record(0, 60);
  expect((v as { raiseBy: number }).raiseBy).toBe(41);
});
