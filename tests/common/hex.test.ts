import { expect, test } from "bun:test";
import { bytesToHex, hexToBytes, readU64le, u64le } from "../../src/common/hex.ts";

test("hex round trip and errors", () => {
  expect(bytesToHex(hexToBytes("00ff10"))).toBe("00ff10");
  expect(() => hexToBytes("abc")).toThrow("invalid hex");
  expect(() => hexToBytes("zz")).toThrow("invalid hex");
});

test("u64 little-endian, wrapping to 64 bits", () => {
  expect(bytesToHex(u64le(1n))).toBe("0100000000000000");
  expect(readU64le(u64le(18446744073709551615n))).toBe(18446744073709551615n);
});
