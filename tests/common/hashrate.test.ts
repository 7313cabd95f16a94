import { expect, test } from "bun:test";
import { formatHashrate } from "../../src/common/hashrate.ts";

test("hashrates are shown with SI units", () => {
  expect(formatHashrate(0)).toBe("0.00 H/s");
  expect(formatHashrate(65_240)).toBe("65.24 kH/s");
  expect(formatHashrate(1.5e15)).toBe("1.50 PH/s");
  expect(formatHashrate(3e21)).toBe("3000.00 EH/s");
});
