// PPLNS money math, pure and exact: window selection by share weight, pool fee, largest-remainder split.

/**
 * Share weights are integers: difficulty × 2^64, so window sums and splits never touch floating point.
 * Scaling a double by a power of two is exact, and 2^64 keeps devnet difficulties (down to 1e-9) precise.
 */
export const WEIGHT_SCALE = 2 ** 64;

export function difficultyWeight(difficulty: number): bigint {
  if (!Number.isFinite(difficulty) || difficulty < 0) throw new RangeError(`invalid share difficulty: ${difficulty}`);
  return BigInt(Math.round(difficulty * WEIGHT_SCALE));
}

/** Window size in weight units: `factor` × network difficulty (both in share units). */
export function windowSize(factor: number, networkDifficulty: number): bigint {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`invalid pplns factor: ${factor}`);
  const size = difficultyWeight(factor * networkDifficulty);
  if (size < 1n) throw new RangeError(`window size must be positive (network difficulty ${networkDifficulty})`);
  return size;
}

/** The pool fee in whole basis points; a fee like 1.234% cannot be held exactly and is refused. */
export function feeBasisPoints(percent: number): bigint {
  const bp = percent * 100;
  const rounded = Math.round(bp);
  if (!Number.isFinite(bp) || Math.abs(bp - rounded) > 1e-6 || rounded < 0 || rounded > 10_000) {
    throw new RangeError(`pool fee must be a whole number of basis points between 0 and 100%: ${percent}%`);
  }
  return BigInt(rounded);
}

export interface WindowEntry {
  address: string;
  worker: string;
  weight: bigint;
  shareCount: number;
}

/**
 * Accumulates shares newest first until their weight reaches the window size. The share that crosses the
 * boundary counts only for the part inside the window, so a full window weighs exactly its size.
 */
export class PplnsWindow {
  private readonly byMiner = new Map<string, WindowEntry>();
  private total = 0n;

  constructor(readonly size: bigint) {}

  get full(): boolean {
    return this.total >= this.size;
  }

  get weight(): bigint {
    return this.total;
  }

  /** Adds one share; returns false once the window is full (that share and later ones are ignored). */
  add(address: string, worker: string, weight: bigint): boolean {
    if (this.full) return false;
    const take = weight < this.size - this.total ? weight : this.size - this.total;
    if (take <= 0n) return true;
    const key = `${address}\u0000${worker}`;
    const entry = this.byMiner.get(key) ?? { address, worker, weight: 0n, shareCount: 0 };
    entry.weight += take;
    entry.shareCount += 1;
    this.byMiner.set(key, entry);
    this.total += take;
    return !this.full;
  }

  entries(): WindowEntry[] {
    return [...this.byMiner.values()].sort(compareMiner);
  }
}

function compareMiner(a: { address: string; worker: string }, b: { address: string; worker: string }): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  if (a.worker !== b.worker) return a.worker < b.worker ? -1 : 1;
  return 0;
}

export interface Credit {
  address: string;
  worker: string;
  amount: bigint;
}

export interface Split {
  /** Goes to the pool account; the fee rounded down, or the whole reward when nobody is in the window. */
  fee: bigint;
  /** Sorted by address then worker; zero amounts are left out. fee + Σ amount = reward. */
  credits: Credit[];
}

/**
 * Splits a block reward: fee = ⌊reward × bp / 10000⌋, the rest by weight. Each share of the rest is computed
 * as rest × weight / total (multiplying first), and the sompi left by flooring go one each to the largest
 * remainders, ties broken by address then worker, so the result is deterministic and sums exactly.
 */
export function splitReward(reward: bigint, feeBp: bigint, window: readonly WindowEntry[]): Split {
  if (reward < 0n) throw new RangeError(`negative reward: ${reward}`);
  if (feeBp < 0n || feeBp > 10_000n) throw new RangeError(`fee out of range: ${feeBp} bp`);
  const totalWeight = window.reduce((s, e) => s + e.weight, 0n);
  if (totalWeight === 0n) return { fee: reward, credits: [] };

  const fee = (reward * feeBp) / 10_000n;
  const rest = reward - fee;
  const parts = window.map((e) => {
    const scaled = rest * e.weight;
    return { address: e.address, worker: e.worker, amount: scaled / totalWeight, remainder: scaled % totalWeight };
  });
  let leftover = rest - parts.reduce((s, p) => s + p.amount, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : compareMiner(a, b),
  );
  for (const p of byRemainder) {
    if (leftover === 0n) break;
    p.amount += 1n;
    leftover -= 1n;
  }
  const credits = parts
    .filter((p) => p.amount > 0n)
    .map(({ address, worker, amount }) => ({ address, worker, amount }))
    .sort(compareMiner);
  return { fee, credits };
}
