import { describe, expect, test } from "bun:test";
import { clampToNetwork, retarget, roundPowerOfTwo, snapStartDifficulty, VardiffWindow } from "../../src/stratum/vardiff.ts";

const base = { targetSharesPerMinute: 20, minDifficulty: 1e-9, maxDifficulty: 1e15, powerOfTwo: false };

describe("retarget", () => {
  test("on target: no change", () => {
    expect(retarget({ ...base, difficulty: 64, shares: 20, elapsedSeconds: 60 })).toBeNull();
    expect(retarget({ ...base, difficulty: 64, shares: 22, elapsedSeconds: 60 })).toBeNull();
  });

  test("too many shares: difficulty rises in proportion, capped at ×16 per step", () => {
    expect(retarget({ ...base, difficulty: 64, shares: 40, elapsedSeconds: 60 })).toBe(128);
    expect(retarget({ ...base, difficulty: 1, shares: 10_000, elapsedSeconds: 10 })).toBe(16);
  });

  test("too few shares: difficulty falls, at most to a quarter per step", () => {
    expect(retarget({ ...base, difficulty: 64, shares: 100, elapsedSeconds: 600 })).toBeCloseTo(32, 9);
    expect(retarget({ ...base, difficulty: 64, shares: 10, elapsedSeconds: 600 })).toBe(16);
  });

  test("a few shares are not evidence enough: the noise band is wide", () => {
    // 3 shares in 10 s is 18/min; 5 in 10 s would be 30/min but with only 5 shares that is noise.
    expect(retarget({ ...base, difficulty: 64, shares: 3, elapsedSeconds: 10 })).toBeNull();
    expect(retarget({ ...base, difficulty: 64, shares: 5, elapsedSeconds: 10 })).toBeNull();
  });

  test("no shares: halves only once 4 shares were expected", () => {
    expect(retarget({ ...base, difficulty: 64, shares: 0, elapsedSeconds: 11 })).toBeNull();
    expect(retarget({ ...base, difficulty: 64, shares: 0, elapsedSeconds: 12 })).toBe(32);
  });

  test("clamped to the port limits", () => {
    expect(retarget({ ...base, maxDifficulty: 100, difficulty: 64, shares: 80, elapsedSeconds: 60 })).toBe(100);
    expect(retarget({ ...base, minDifficulty: 64, difficulty: 64, shares: 0, elapsedSeconds: 600 })).toBeNull();
  });

  test("power of two: ×1.5 and ÷1.5 are real steps, not rounded away (peers.md bug 6)", () => {
    const p2 = { ...base, powerOfTwo: true };
    expect(retarget({ ...p2, difficulty: 64, shares: 31, elapsedSeconds: 60 })).toBe(128);
    expect(retarget({ ...p2, difficulty: 64, shares: 130, elapsedSeconds: 600 })).toBe(32);
    expect(retarget({ ...p2, difficulty: 64, shares: 160, elapsedSeconds: 60 })).toBe(512);
  });

  test("power of two: a 1.3× rate stays put instead of oscillating", () => {
    expect(retarget({ ...base, powerOfTwo: true, difficulty: 64, shares: 260, elapsedSeconds: 600 })).toBeNull();
  });
});

describe("roundPowerOfTwo", () => {
  test("moves at least one power in the asked direction", () => {
    expect(roundPowerOfTwo(64, 96)).toBe(128);
    expect(roundPowerOfTwo(64, 64 / 1.5)).toBe(32);
    expect(roundPowerOfTwo(64, 70)).toBe(128);
    expect(roundPowerOfTwo(64, 1000)).toBe(1024);
    expect(roundPowerOfTwo(100, 120)).toBe(128);
  });
});

describe("snapStartDifficulty", () => {
  test("snaps to the nearest power of two for ASICs and clamps to the port", () => {
    expect(snapStartDifficulty(3000, true, 1, 1e6)).toBe(4096);
    expect(snapStartDifficulty(2500, true, 1, 1e6)).toBe(2048);
    expect(snapStartDifficulty(3000, false, 1, 1e6)).toBe(3000);
    expect(snapStartDifficulty(3000, false, 1, 1000)).toBe(1000);
    expect(snapStartDifficulty(0.001, false, 0.5, 1000)).toBe(0.5);
  });
});

describe("VardiffWindow", () => {
  test("counts shares and restarts after a change", () => {
    const w = new VardiffWindow(0);
    for (let i = 0; i < 80; i++) w.recordShare();
    expect(w.check(60_000, { ...base, difficulty: 64 })).toBe(256);
    expect(w.check(70_000, { ...base, difficulty: 256 })).toBeNull();
  });
});

describe("clampToNetwork", () => {
  test("a difficulty at or below the network difficulty is kept", () => {
    expect(clampToNetwork(0.5, 3, false)).toBe(0.5);
    expect(clampToNetwork(3, 3, true)).toBe(3);
  });

  test("above it: the network difficulty, or the largest power of two not above it", () => {
    expect(clampToNetwork(1024, 3, false)).toBe(3);
    expect(clampToNetwork(1024, 3, true)).toBe(2);
    expect(clampToNetwork(1, 2 ** -20 * 1.5, true)).toBe(2 ** -20);
  });
});
