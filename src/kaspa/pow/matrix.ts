// The 64×64 matrix of 4-bit values that kHeavyHash multiplies by (rusty-kaspa consensus/pow/src/matrix.rs,
// kaspad heavyhash.go). It depends only on the pre-PoW hash, so it is built once per template.

import { Xoshiro256PlusPlus } from "./xoshiro.ts";

export const MATRIX_SIZE = 64;
const EPS = 1e-9;

/**
 * Generates the matrix for a pre-PoW hash: row-major nibbles, lowest nibble of each xoshiro output first.
 * A singular draw is discarded and the next one continues the same stream, as consensus requires.
 */
export function generateMatrix(prePowHash: Uint8Array): Uint8Array {
  // xoshiro never leaves the all-zero state, so the reference would loop forever; no real header hashes to it.
  if (prePowHash.every((b) => b === 0)) throw new RangeError("an all-zero pre-PoW hash has no PoW matrix");
  const rng = new Xoshiro256PlusPlus(prePowHash);
  const m = new Uint8Array(MATRIX_SIZE * MATRIX_SIZE);
  const scratch = new Float64Array(MATRIX_SIZE * MATRIX_SIZE);
  do {
    for (let k = 0; k < m.length; k += 16) {
      rng.next();
      const lo = rng.lo, hi = rng.hi;
      for (let n = 0; n < 8; n++) {
        m[k + n] = (lo >>> (4 * n)) & 0xf;
        m[k + 8 + n] = (hi >>> (4 * n)) & 0xf;
      }
    }
  } while (matrixRank(m, scratch) !== MATRIX_SIZE);
  return m;
}

/**
 * Rank by f64 Gaussian elimination with the reference's exact pivot choice, tolerance and operation order:
 * consensus depends on this floating-point result, not on the true rank. The reference also updates rows
 * already chosen as pivots; those rows are never read again, so skipping them halves the work and leaves
 * every value that decides the rank bit-for-bit the same.
 */
export function matrixRank(m: Uint8Array, scratch = new Float64Array(MATRIX_SIZE * MATRIX_SIZE)): number {
  const n = MATRIX_SIZE;
  const b = scratch;
  for (let i = 0; i < b.length; i++) b[i] = m[i]!;
  const rowSelected = new Uint8Array(n);
  let rank = 0;
  for (let i = 0; i < n; i++) {
    let j = 0;
    while (j < n && (rowSelected[j] || Math.abs(b[j * n + i]!) <= EPS)) j++;
    if (j === n) continue;
    rank++;
    rowSelected[j] = 1;
    const pj = j * n;
    const pivot = b[pj + i]!;
    for (let p = i + 1; p < n; p++) b[pj + p] = b[pj + p]! / pivot;
    for (let k = 0; k < n; k++) {
      const pk = k * n;
      const factor = b[pk + i]!;
      if (rowSelected[k] || Math.abs(factor) <= EPS) continue;
      // Unrolled by four; each element still gets exactly one multiply and one subtract.
      let p = i + 1;
      for (; p + 3 < n; p += 4) {
        b[pk + p] = b[pk + p]! - b[pj + p]! * factor;
        b[pk + p + 1] = b[pk + p + 1]! - b[pj + p + 1]! * factor;
        b[pk + p + 2] = b[pk + p + 2]! - b[pj + p + 2]! * factor;
        b[pk + p + 3] = b[pk + p + 3]! - b[pj + p + 3]! * factor;
      }
      for (; p < n; p++) b[pk + p] = b[pk + p]! - b[pj + p]! * factor;
    }
  }
  return rank;
}
