// Seeded, reproducible randomness for the simulator (block colors), so a test run with the same seed and the same
// sequence of accepted blocks always sees the same colors. mulberry32: tiny and good enough for coin flips.

export type Rng = () => number;

/** Returns a generator of floats in [0, 1) fully determined by `seed`. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
