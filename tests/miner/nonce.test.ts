import { describe, expect, test } from "bun:test";
import { formatNonce, NO_EXTRANONCE, parseExtranonce, threadRange } from "../../src/miner/nonce.ts";

describe("extranonce", () => {
  test("occupies the most-significant bytes", () => {
    const e = parseExtranonce("fbba");
    expect(e).toEqual({ prefix: 0xfbba000000000000n, freeBits: 48 });
    expect(parseExtranonce("")).toEqual(NO_EXTRANONCE);
    expect(parseExtranonce("01020304050607").freeBits).toBe(8);
  });

  test("bad extranonces are refused", () => {
    expect(() => parseExtranonce("abc")).toThrow("invalid extranonce");
    expect(() => parseExtranonce("0102030405060708")).toThrow("invalid extranonce");
    expect(() => parseExtranonce("zz")).toThrow("invalid extranonce");
  });

  test("every thread's nonces carry the prefix and the slices do not overlap", () => {
    const e = parseExtranonce("fbba");
    const ranges = [0, 1, 2].map((t) => threadRange(e, t, 3, 123456789n));
    for (const r of ranges) {
      expect(r.size).toBe((1n << 48n) / 3n);
      expect(r.offset).toBe(123456789n);
      const last = r.base + r.size - 1n;
      expect(r.base >> 48n).toBe(0xfbban);
      expect(last >> 48n).toBe(0xfbban);
    }
    expect(ranges[1]!.base).toBe(ranges[0]!.base + ranges[0]!.size);
    expect(ranges[2]!.base).toBe(ranges[1]!.base + ranges[1]!.size);
  });

  test("a random start beyond the slice wraps into it", () => {
    const r = threadRange(parseExtranonce("01020304050607"), 1, 2, 1000n);
    expect(r).toEqual({ base: 0x0102030405060780n, size: 128n, offset: 1000n % 128n });
  });
});

describe("formatNonce", () => {
  test("16 hex digits, zero padded, big-endian", () => {
    expect(formatNonce(0xfbba000000000001n)).toBe("fbba000000000001");
    expect(formatNonce(1n)).toBe("0000000000000001");
    expect(formatNonce((1n << 64n) - 1n)).toBe("ffffffffffffffff");
  });
});
