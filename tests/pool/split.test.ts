import { describe, expect, test } from "bun:test";
import {
  difficultyWeight, feeBasisPoints, PplnsWindow, splitReward, windowSize, type WindowEntry,
} from "../../src/pool/split.ts";

// A small deterministic PRNG (mulberry32) so failures reproduce.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randBig = (r: () => number, bits: number) => {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(r() * 65536));
  return v & ((1n << BigInt(bits)) - 1n);
};

describe("fee", () => {
  test("percent becomes whole basis points", () => {
    expect(feeBasisPoints(1.5)).toBe(150n);
    expect(feeBasisPoints(0)).toBe(0n);
    expect(feeBasisPoints(0.07)).toBe(7n);
    expect(feeBasisPoints(100)).toBe(10_000n);
  });
  test("fees that are not whole basis points, or out of range, are refused", () => {
    expect(() => feeBasisPoints(1.234)).toThrow("basis points");
    expect(() => feeBasisPoints(-1)).toThrow();
    expect(() => feeBasisPoints(100.01)).toThrow();
    expect(() => feeBasisPoints(Number.NaN)).toThrow();
  });
  test("the fee is rounded down and the miners get the rest", () => {
    const w: WindowEntry[] = [{ address: "kaspa:a", worker: "w", weight: 1n, shareCount: 1 }];
    const s = splitReward(999n, 150n, w); // 1.5% of 999 = 14.985
    expect(s.fee).toBe(14n);
    expect(s.credits).toEqual([{ address: "kaspa:a", worker: "w", amount: 985n }]);
  });
});

describe("split", () => {
  test("multiplies before dividing: small rewards over big weights are not rounded to zero", () => {
    const w: WindowEntry[] = ["a", "b", "c"].map((x) => ({
      address: `kaspa:${x}`, worker: "rig", weight: 10n ** 15n, shareCount: 1,
    }));
    const s = splitReward(1000n, 0n, w);
    expect(s.credits.map((c) => c.amount)).toEqual([334n, 333n, 333n]);
  });

  test("ties in the remainder go to the smaller address, then worker", () => {
    const w: WindowEntry[] = [
      { address: "kaspa:b", worker: "x", weight: 1n, shareCount: 1 },
      { address: "kaspa:a", worker: "y", weight: 1n, shareCount: 1 },
      { address: "kaspa:a", worker: "x", weight: 1n, shareCount: 1 },
    ];
    const s = splitReward(5n, 0n, w);
    expect(s.credits).toEqual([
      { address: "kaspa:a", worker: "x", amount: 2n },
      { address: "kaspa:a", worker: "y", amount: 2n },
      { address: "kaspa:b", worker: "x", amount: 1n },
    ]);
  });

  test("largest remainders win before ties", () => {
    // rest 10 over weights 1,2,3 (total 6): 1.67, 3.33, 5 → floors 1,3,5 (+1 leftover to the .67)
    const w: WindowEntry[] = [
      { address: "kaspa:a", worker: "w", weight: 1n, shareCount: 1 },
      { address: "kaspa:b", worker: "w", weight: 2n, shareCount: 1 },
      { address: "kaspa:c", worker: "w", weight: 3n, shareCount: 1 },
    ];
    expect(splitReward(10n, 0n, w).credits.map((c) => c.amount)).toEqual([2n, 3n, 5n]);
  });

  test("an empty window sends the whole reward to the pool", () => {
    expect(splitReward(123n, 100n, [])).toEqual({ fee: 123n, credits: [] });
  });

  test("random windows and rewards up to 2^63 sompi sum exactly and stay proportional", () => {
    const r = rng(42);
    for (let round = 0; round < 500; round++) {
      const n = 1 + Math.floor(r() * 40);
      const w: WindowEntry[] = Array.from({ length: n }, (_, i) => ({
        address: `kaspa:${Math.floor(r() * 10)}`,
        worker: `w${i}`,
        weight: 1n + randBig(r, 1 + Math.floor(r() * 80)),
        shareCount: 1,
      }));
      const reward = randBig(r, 63);
      const bp = BigInt(Math.floor(r() * 10_001));
      const s = splitReward(reward, bp, w);
      const total = w.reduce((a, e) => a + e.weight, 0n);
      expect(s.fee).toBe((reward * bp) / 10_000n);
      expect(s.fee + s.credits.reduce((a, c) => a + c.amount, 0n)).toBe(reward);
      const rest = reward - s.fee;
      for (const c of s.credits) {
        const e = w.find((x) => x.address === c.address && x.worker === c.worker)!;
        const exact = rest * e.weight;
        // Each credit is its exact share rounded down or up by one sompi at most.
        expect(c.amount * total >= exact - total && c.amount * total <= exact + total).toBe(true);
      }
      expect(splitReward(reward, bp, [...w].reverse())).toEqual(s);
    }
  });
});

describe("window", () => {
  test("size is factor × network difficulty, scaled by 2^64", () => {
    expect(windowSize(2, 1000)).toBe(2000n << 64n);
    expect(difficultyWeight(0.5)).toBe(1n << 63n);
    expect(difficultyWeight(1e-9)).toBe(18_446_744_074n);
    expect(() => windowSize(0, 1000)).toThrow();
  });

  test("takes the newest shares until the window is full and cuts the crossing share", () => {
    const win = new PplnsWindow(difficultyWeight(2 * 10)); // factor 2, network difficulty 10
    const newestFirst = [["kaspa:a", 8], ["kaspa:b", 8], ["kaspa:a", 8], ["kaspa:c", 8]] as const;
    const taken = newestFirst.map(([addr, d]) => win.add(addr, "w", difficultyWeight(d)));
    expect(taken).toEqual([true, true, false, false]);
    expect(win.full).toBe(true);
    expect(win.entries()).toEqual([
      { address: "kaspa:a", worker: "w", weight: difficultyWeight(12), shareCount: 2 },
      { address: "kaspa:b", worker: "w", weight: difficultyWeight(8), shareCount: 1 },
    ]);
  });

  test("fewer shares than the window: split among those it has", () => {
    const win = new PplnsWindow(windowSize(2, 1e6));
    win.add("kaspa:a", "w", difficultyWeight(1));
    win.add("kaspa:b", "w", difficultyWeight(3));
    expect(win.full).toBe(false);
    const s = splitReward(400n, 0n, win.entries());
    expect(s.credits.map((c) => c.amount)).toEqual([100n, 300n]);
  });
});
