import { describe, expect, test } from "bun:test";
import { StratumError } from "../../src/stratum/errors.ts";
import { ExtranonceAllocator, resolveNonce } from "../../src/stratum/extranonce.ts";

describe("ExtranonceAllocator", () => {
  test("2-byte extranonces are 4 hex digits, sequential and unique among live connections", () => {
    const a = new ExtranonceAllocator(2);
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual(["0000", "0001", "0002"]);
    a.release("0001");
    expect(a.allocate()).toBe("0003");
    expect(a.live).toBe(3);
  });

  test("wraps around and skips values still in use, and says when all are taken", () => {
    const a = new ExtranonceAllocator(1);
    const all = Array.from({ length: 256 }, () => a.allocate());
    expect(new Set(all).size).toBe(256);
    expect(a.allocate()).toBeNull();
    a.release("7f");
    expect(a.allocate()).toBe("7f");
  });

  test("size 0 gives the empty extranonce", () => {
    const a = new ExtranonceAllocator(0);
    expect(a.allocate()).toBe("");
    expect(a.allocate()).toBe("");
  });
});

describe("resolveNonce", () => {
  test("a short nonce gets the extranonce in the top bytes, left-padded (spec §3.7)", () => {
    expect(resolveNonce("1", "abcd")).toBe(0xabcd000000000001n);
    expect(resolveNonce("0x123456789abc", "abcd")).toBe(0xabcd123456789abcn);
  });

  test("a full-length nonce must start with the connection's extranonce", () => {
    expect(resolveNonce("abcd123456789abc", "abcd")).toBe(0xabcd123456789abcn);
    expect(resolveNonce("ABCD123456789ABC", "abcd")).toBe(0xabcd123456789abcn);
    expect(() => resolveNonce("abce123456789abc", "abcd")).toThrow("extranonce");
  });

  test("without an extranonce any u64 is taken as is", () => {
    expect(resolveNonce("ffffffffffffffff", "")).toBe(0xffffffffffffffffn);
    expect(resolveNonce("00000000000000ff", "")).toBe(255n);
  });

  test.each([["zz"], [""], ["0x"], ["1234567890abcdef0"], [12345], [null]])("rejects %p with code 20", (bad) => {
    try {
      resolveNonce(bad, "abcd");
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(StratumError);
      expect((err as StratumError).code).toBe(20);
    }
  });
});
