import { describe, expect, test } from "bun:test";
import { HashrateMeter, hashrate } from "../../src/stratum/hashrate.ts";

describe("hashrate", () => {
  test("Σ difficulty · 2^32 / seconds", () => {
    expect(hashrate(1, 1)).toBe(4294967296);
    expect(hashrate(20 * 4096, 60)).toBe((20 * 4096 * 2 ** 32) / 60);
    expect(hashrate(5, 0)).toBe(0);
  });
});

describe("HashrateMeter", () => {
  test("before the window is full, divides by the time since start", () => {
    const m = new HashrateMeter(600, 0);
    m.add(10, 1_000);
    m.add(10, 5_000);
    expect(m.rate(10_000)).toBe(hashrate(20, 10));
  });

  test("old shares leave the window and the denominator is the window", () => {
    const m = new HashrateMeter(600, 0);
    m.add(100, 5_000);
    m.add(6, 900_000);
    const rate = m.rate(900_000);
    expect(rate).toBe(hashrate(6, 590)); // 59 whole 10-s buckets plus the current, empty-so-far one
    expect(rate).toBeLessThan(hashrate(106, 600) / 2);
  });

  test("a long gap empties every bucket", () => {
    const m = new HashrateMeter(60, 0, 6);
    m.add(100, 1_000);
    expect(m.rate(10_000_000)).toBe(0);
  });
});
