import { describe, expect, test } from "bun:test";
import { Chain } from "../../src/devnet/chain.ts";
import { seededRng } from "../../src/devnet/rng.ts";

const make = (redRatio: number, seed = 1) =>
  new Chain({ startDaaScore: 1000n, redRatio, rng: seededRng(seed), workPerBlock: 10n, subsidy: 500n });

describe("Chain", () => {
  test("a tick advances DAA and blue score and moves the sink", () => {
    const c = make(0);
    const sink = c.sink;
    const blue = c.sinkBlueScore;
    const cb = c.tick(0);
    expect(cb.daaScore).toBe(1000n);
    expect(c.daaScore).toBe(1001n);
    expect(c.sinkBlueScore).toBe(blue + 1n);
    expect(c.sink).toBe(cb.hash);
    expect(c.sink).not.toBe(sink);
  });

  test("an accepted block waits as a parent, then the next tick merges it", () => {
    const c = make(0);
    const b = c.accept("aa".repeat(32), "kaspadev:x", 1000n, {});
    expect(c.unmergedHashes()).toEqual([b.hash]);
    expect(b.merge).toBeNull();
    const cb = c.tick(0);
    expect(cb.mergedBlues.map((x) => x.hash)).toEqual([b.hash]);
    expect(b.merge).toEqual({ chainBlockHash: cb.hash, daaScore: cb.daaScore, blueScore: cb.blueScore });
    expect(b.reward).toBe(500n);
    expect(c.unmergedHashes()).toEqual([]);
    expect(c.daaScore).toBe(1002n);
  });

  test("red ratio 1 makes every block red with no reward; colors repeat for a seed", () => {
    const red = make(1);
    const b = red.accept("bb".repeat(32), "kaspadev:x", 1000n, {});
    expect(b.color).toBe("red");
    expect(b.reward).toBe(0n);

    const colors = (seed: number) => {
      const c = make(0.5, seed);
      return Array.from({ length: 32 }, (_, i) => c.accept(i.toString(16).padStart(64, "0"), "a", 0n, {}).color);
    };
    expect(colors(7)).toEqual(colors(7));
    expect(colors(7)).toContain("red");
    expect(colors(7)).toContain("blue");
  });
});
