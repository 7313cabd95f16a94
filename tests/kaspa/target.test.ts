import { describe, expect, test } from "bun:test";
import {
  bitsToTarget, difficultyToTarget, HASHES_PER_SHARE_UNIT, networkDifficulty, targetToBits, targetToDifficulty,
} from "../../src/kaspa/target.ts";

describe("compact bits", () => {
  test("mainnet template bits 0x1b0531b1 (§1.5)", () => {
    expect(bitsToTarget(453325233)).toBe(0x00000000000531b1000000000000000000000000000000000000000000000000n);
    expect(networkDifficulty(453325233)).toBeCloseTo(12617.375671633985, 9);
  });
  test("small exponents shift the mantissa right; a negative mantissa is target 0", () => {
    expect(bitsToTarget(0x03123456)).toBe(0x123456n);
    expect(bitsToTarget(0x02123456)).toBe(0x1234n);
    expect(bitsToTarget(0x01003456)).toBe(0n);
    expect(bitsToTarget(0x04923456)).toBe(0n);
    expect(bitsToTarget(0)).toBe(0n);
  });
  test("targetToBits inverts bitsToTarget on compact values and truncates others", () => {
    for (const bits of [453325233, 505527324, 0x1e7fffff, 486722099, 0x207fffff, 0x03123456, 0x02120000]) {
      expect(bitsToTarget(targetToBits(bitsToTarget(bits)))).toBe(bitsToTarget(bits));
    }
    expect(targetToBits(0x00000000000531b1000000000000000000000000000000000000000000000000n)).toBe(453325233);
    expect(targetToBits(0x80n)).toBe(0x02008000); // the sign bit forces one more byte
    const t = (1n << 200n) + 12345n;
    expect(bitsToTarget(targetToBits(t))).toBe(1n << 200n);
    expect(targetToBits(0n)).toBe(0);
  });
  test("rejects bits outside u32", () => {
    expect(() => bitsToTarget(-1)).toThrow(RangeError);
    expect(() => bitsToTarget(2 ** 32)).toThrow(RangeError);
  });
});

describe("share difficulty", () => {
  test("share-target table (§2.10)", () => {
    const table: Array<[number, bigint]> = [
      [1, 0x0000000100000000000000000000000000000000000000000000000000000000n],
      [2, 0x0000000080000000000000000000000000000000000000000000000000000000n],
      [4, 0x0000000040000000000000000000000000000000000000000000000000000000n],
      [64, 0x0000000004000000000000000000000000000000000000000000000000000000n],
      [512, 0x0000000000800000000000000000000000000000000000000000000000000000n],
      [1024, 0x0000000000400000000000000000000000000000000000000000000000000000n],
      [2048, 0x0000000000200000000000000000000000000000000000000000000000000000n],
      [4096, 0x0000000000100000000000000000000000000000000000000000000000000000n],
      [8192, 0x0000000000080000000000000000000000000000000000000000000000000000n],
      [16384, 0x0000000000040000000000000000000000000000000000000000000000000000n],
      [65536, 0x0000000000010000000000000000000000000000000000000000000000000000n],
    ];
    for (const [d, target] of table) {
      expect(difficultyToTarget(d)).toBe(target);
      expect(targetToDifficulty(target)).toBe(d);
    }
  });
  test("fractional difficulties use the double's exact binary value", () => {
    // 0.1 is 3602879701896397 · 2^-55 exactly.
    expect(difficultyToTarget(0.1)).toBe((1n << (224n + 55n)) / 3602879701896397n);
    expect(difficultyToTarget(0.125)).toBe(1n << 227n);
    expect(difficultyToTarget(3)).toBe((1n << 224n) / 3n);
    const tiny = 1e-9;
    const t = difficultyToTarget(tiny);
    expect(t > 1n << 253n && t < 1n << 254n).toBe(true);
    expect(Math.abs(targetToDifficulty(t) / tiny - 1)).toBeLessThan(1e-15);
    expect(difficultyToTarget(Number.MIN_VALUE)).toBe(1n << (224n + 1074n));
    expect(difficultyToTarget(2 ** 300)).toBe(0n);
  });
  test("rejects non-positive and non-finite difficulties", () => {
    for (const d of [0, -1, NaN, Infinity]) expect(() => difficultyToTarget(d)).toThrow(RangeError);
    expect(() => targetToDifficulty(0n)).toThrow(RangeError);
  });
  test("a share unit is 2^32 hashes", () => {
    expect(HASHES_PER_SHARE_UNIT).toBe(2 ** 32);
  });
});
