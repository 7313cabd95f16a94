import { describe, expect, test } from "bun:test";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { StratumError } from "../../src/stratum/errors.ts";
import { parseLogin, requestedDifficulty, requestedPayoutLimit, sanitizeWorker } from "../../src/stratum/login.ts";

describe("parseLogin", () => {
  test("address.worker", () => {
    expect(parseLogin(`${DEVNET_POOL_ADDRESS}.rig1`, "devnet")).toEqual({ address: DEVNET_POOL_ADDRESS, worker: "rig1" });
    expect(parseLogin(DEVNET_POOL_ADDRESS, "devnet").worker).toBe("default");
  });

  test("a bare payload gets the network's prefix", () => {
    expect(parseLogin(`${DEVNET_POOL_ADDRESS.slice("kaspadev:".length)}.x`, "devnet").address).toBe(DEVNET_POOL_ADDRESS);
  });

  test.each([
    [`${DEVNET_POOL_ADDRESS}.w`, "mainnet"],
    ["kaspadev:qqqq.w", "devnet"],
    ["", "devnet"],
    [42, "devnet"],
  ] as const)("%p on %p is refused with code 20 and a reason", (user, network) => {
    try {
      parseLogin(user, network);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(StratumError);
      expect((err as StratumError).code).toBe(20);
      expect((err as StratumError).message.length).toBeGreaterThan(5);
    }
  });
});

describe("sanitizeWorker", () => {
  test("keeps plain names, replaces the rest, bounds the length", () => {
    expect(sanitizeWorker("rig-01_a.b")).toBe("rig-01_a.b");
    expect(sanitizeWorker('x"}{label=1')).toBe("x___label_1");
    expect(sanitizeWorker("a".repeat(100))).toHaveLength(32);
    expect(sanitizeWorker("")).toBe("default");
    expect(sanitizeWorker("😀😀")).toBe("default");
  });
});

describe("requestedDifficulty", () => {
  test.each([
    ["d=1024", 1024],
    ["x,d=0.5", 0.5],
    ["d=8192;x", 8192],
    ["D=1e-6", 1e-6],
    ["x", null],
    ["d=abc", null],
    ["d=0", null],
    ["odd=5", null],
  ] as const)("%p → %p", (password, expected) => {
    expect(requestedDifficulty(password)).toBe(expected);
  });
});

describe("requestedPayoutLimit", () => {
  test.each([
    ["pl=25", 2_500_000_000n],
    ["x,pl=0.5", 50_000_000n],
    ["d=4,pl=12.34567891", 1_234_567_891n],
    ["pl=0.00000001;d=2", 1n],
    ["pl=99999999999", 9_999_999_999_900_000_000n],
  ])("%s", (password, expected) => {
    expect(requestedPayoutLimit(password)).toBe(expected);
  });

  test.each([["pl=0"], ["pl=1.123456789"], ["pl=-1"], ["pl=abc"], ["xpl=5"], ["pl=1e3"], [""]])("%s is not a limit", (password) => {
    expect(requestedPayoutLimit(password)).toBeNull();
  });

  test("not a string", () => {
    expect(requestedPayoutLimit(5)).toBeNull();
  });
});
