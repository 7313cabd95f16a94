// The payout threshold, the smallest output and the feerate conversion.

import { expect, test } from "bun:test";
import { STORAGE_MASS_PARAMETER } from "../../src/kaspa/tx/mass.ts";
import { feeratePerKg, governingMass, MAX_PAYOUT_TX_MASS, payoutFee } from "../../src/treasury/fee.ts";
import { kasToSompi, minimumOutputSompi, payoutThreshold } from "../../src/treasury/threshold.ts";

test("the smallest output is the least amount whose storage mass C/amount fits a payout transaction", () => {
  const min = minimumOutputSompi();
  expect(min).toBe(9_999_901n);
  expect(STORAGE_MASS_PARAMETER / min).toBeLessThanOrEqual(MAX_PAYOUT_TX_MASS);
  expect(STORAGE_MASS_PARAMETER / (min - 1n)).toBeGreaterThan(MAX_PAYOUT_TX_MASS);
});

test("threshold = max(payments.thresholdKas, the miner's own, the smallest output)", () => {
  expect(payoutThreshold(10, null)).toBe(1_000_000_000n);
  expect(payoutThreshold(10, 2_000_000_000n)).toBe(2_000_000_000n);
  expect(payoutThreshold(10, 5n)).toBe(1_000_000_000n);
  expect(payoutThreshold(0.01, null)).toBe(minimumOutputSompi());
  expect(payoutThreshold(0.01, 5_000_000n)).toBe(minimumOutputSompi());
});

test("KAS from the configuration become sompi without float error, rounded up", () => {
  expect(kasToSompi(0.1)).toBe(10_000_000n);
  expect(kasToSompi(1.1)).toBe(110_000_000n);
  expect(kasToSompi(123456.12345678)).toBe(12_345_612_345_678n);
  expect(kasToSompi(0.000000001)).toBe(1n);
  expect(() => kasToSompi(Number.NaN)).toThrow(RangeError);
  expect(() => kasToSompi(3e10)).toThrow(RangeError);
});

test("the node's feerate becomes sompi per kilogram, floored at the minimum relay feerate", () => {
  expect(feeratePerKg(1)).toBe(100_000n);
  expect(feeratePerKg(100)).toBe(100_000n);
  expect(feeratePerKg(150.5)).toBe(150_500n);
  expect(feeratePerKg(1.0000000000000002 * 200)).toBe(200_000n);
  expect(() => feeratePerKg(-1)).toThrow(RangeError);
  expect(() => feeratePerKg(Number.POSITIVE_INFINITY)).toThrow(RangeError);
});

test("the fee is feerate × max(compute, storage, transient / 2), rounded up", () => {
  expect(governingMass({ compute: 2036n, storage: 0n, transient: 1264n })).toBe(2036n);
  expect(governingMass({ compute: 2036n, storage: 10_000n, transient: 1264n })).toBe(10_000n);
  expect(governingMass({ compute: 2036n, storage: 0n, transient: 4075n })).toBe(2038n);
  expect(payoutFee({ compute: 2036n, storage: 0n, transient: 1264n }, 100_000n)).toBe(203_600n);
  expect(payoutFee({ compute: 2036n, storage: 0n, transient: 1264n }, 1n)).toBe(203_600n);
  expect(payoutFee({ compute: 2037n, storage: 0n, transient: 1264n }, 150_001n)).toBe(305_553n);
});
