import { expect, test } from "bun:test";
import { amount, hashrate } from "../../src/api/format.ts";
import { ApiError, series } from "../../src/api/params.ts";
import { RateLimiter } from "../../src/api/rateLimit.ts";

test("amounts: exact sompi and KAS strings, above 2^53 and negative", () => {
  expect(amount(0n)).toEqual({ sompi: "0", kas: "0" });
  expect(amount(50_160_000_000n)).toEqual({ sompi: "50160000000", kas: "501.6" });
  expect(amount(18_446_744_073_709_551_615n)).toEqual({ sompi: "18446744073709551615", kas: "184467440737.09551615" });
  expect(amount(-1n)).toEqual({ sompi: "-1", kas: "-0.00000001" });
});

test("hashrate is Σ difficulty × 2^32 / seconds, never above the network's", () => {
  expect(hashrate(60, 60, null)).toBe(2 ** 32);
  expect(hashrate(60, 60, 1000)).toBe(1000);
  expect(hashrate(0, 60, 1000)).toBe(0);
  expect(hashrate(5, 0, null)).toBe(0);
});

test("series ranges: aligned to the bucket, at most 1000 points, errors name the parameter", () => {
  const now = Date.UTC(2026, 0, 2, 12, 34, 56);
  const r = series({ bucket: "1h" }, now);
  expect([r.from, r.to]).toEqual([Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 2, 13)]);
  expect(series({ from: "2026-01-02T00:00:00Z", to: "2026-01-02T00:10:00Z", bucket: "1m" }, now).to).toBe(Date.UTC(2026, 0, 2, 0, 10));
  const message = (q: Record<string, string>) => {
    try {
      series(q, now);
    } catch (e) {
      return (e as ApiError).message;
    }
    return "";
  };
  expect(message({ bucket: "1m", from: String(now / 1000 - 86_400) })).toStartWith("from:");
  expect(message({ bucket: "10s" })).toStartWith("bucket:");
  expect(message({ to: "soon" })).toStartWith("to:");
  expect(message({ from: "2026-01-03T00:00:00Z" })).toStartWith("from:");
});

test("rate limiter: a burst, then one request per interval", () => {
  const rl = new RateLimiter(2, 3);
  expect([0, 0, 0].map(() => rl.take("a", 1000))).toEqual([0, 0, 0]);
  expect(rl.take("a", 1000)).toBe(1);
  expect(rl.take("b", 1000)).toBe(0);
  expect(rl.take("a", 1500)).toBe(0);
});
