// Targets and difficulties. Consensus compares the PoW value with the compact `bits` target
// (rusty-kaspa math/src/lib.rs from_compact_target_bits); stratum difficulty 1 is target 2^224, so a share of
// difficulty D is worth D·2^32 hashes (kaspa-mining.md §1.5, §3.6).

const TWO_224 = 1n << 224n;

/** A share of difficulty D represents D·2^32 hashes on average. */
export const HASHES_PER_SHARE_UNIT = 4294967296;

export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError(`bits ${bits} is not a u32`);
  const exponent = bits >>> 24;
  let mantissa = bits & 0xffffff;
  // The mantissa is signed in the compact format; a negative one means target 0.
  if (exponent <= 3) mantissa >>>= 8 * (3 - exponent);
  if (mantissa > 0x7fffff) return 0n;
  return exponent <= 3 ? BigInt(mantissa) : BigInt(mantissa) << BigInt(8 * (exponent - 3));
}

/** Compact form of a target, truncating it to 23 mantissa bits as Kaspa and Bitcoin do. */
export function targetToBits(target: bigint): number {
  if (target < 0n) throw new RangeError("target must not be negative");
  if (target === 0n) return 0;
  let size = (target.toString(16).length + 1) >> 1;
  let mantissa = Number(size <= 3 ? target << BigInt(8 * (3 - size)) : target >> BigInt(8 * (size - 3)));
  if (mantissa & 0x800000) {
    mantissa >>>= 8;
    size++;
  }
  if (size > 0xff) throw new RangeError("target too large for compact form");
  return ((size << 24) | mantissa) >>> 0;
}

/** floor(2^224 / D), computed from the exact binary value of the double D. */
export function difficultyToTarget(difficulty: number): bigint {
  if (!Number.isFinite(difficulty) || difficulty <= 0) throw new RangeError(`difficulty ${difficulty} must be positive and finite`);
  const [mantissa, exponent] = decomposeDouble(difficulty);
  // D = mantissa · 2^exponent exactly.
  return exponent >= 0 ? TWO_224 / (mantissa << BigInt(exponent)) : (TWO_224 << BigInt(-exponent)) / mantissa;
}

/** 2^224 / target as a double. */
export function targetToDifficulty(target: bigint): number {
  if (target <= 0n) throw new RangeError("target must be positive");
  return 2 ** 224 / Number(target);
}

/** Network difficulty in share units for a block's compact bits. */
export function networkDifficulty(bits: number): number {
  return targetToDifficulty(bitsToTarget(bits));
}

/** Splits a positive finite double into an integer mantissa and a power-of-two exponent. */
function decomposeDouble(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? [fraction, -1074] : [fraction | (1n << 52n), biased - 1075];
}
