// kHeavyHash's matrix step and final cSHAKE256("HeavyHash") (rusty-kaspa consensus/pow/src/matrix.rs heavy_hash).

import { HEAVY_HASH_INITIAL } from "./cshake.ts";
import { keccakF1600 } from "./keccak.ts";
import { MATRIX_SIZE } from "./matrix.ts";

const ROW_PAIRS = MATRIX_SIZE / 2;

/**
 * Packs rows 2i and 2i+1 into one int32 per column (low and high 16 bits). A row sum is at most
 * 64·15·15 = 14400 < 2^16, so one multiply-add computes both sums of a pair without carries between them.
 */
export function packMatrix(matrix: Uint8Array): Int32Array {
  const packed = new Int32Array(ROW_PAIRS * MATRIX_SIZE);
  for (let i = 0; i < ROW_PAIRS; i++) {
    for (let j = 0; j < MATRIX_SIZE; j++) {
      packed[i * MATRIX_SIZE + j] = matrix[2 * i * MATRIX_SIZE + j]! | (matrix[(2 * i + 1) * MATRIX_SIZE + j]! << 16);
    }
  }
  return packed;
}

// Every word this function reads comes from an Int32Array or is read as `| 0`. A Uint32Array element of 2^31 or
// more read as a plain number is not an int32: in the stratum server, JavaScriptCore's optimized code for this
// function kept speculating int32 on such a read and bailing out to slower code (~600,000 OSR exits in a
// 3-second bench, ~10 µs per share instead of ~3).
const nibbles = new Int32Array(MATRIX_SIZE);
const mixed = new Int32Array(8);
const HEAVY_HASH_INITIAL_WORDS = new Int32Array(HEAVY_HASH_INITIAL.buffer.slice(0, 32));

/**
 * Heavy-hashes the 32 bytes held little-endian in words input[0..8) with a packed matrix; the 32-byte result
 * is left little-endian in out[0..8). `input` and `out` may be the same Keccak state.
 */
export function heavyHash(packed: Int32Array, input: Uint32Array, out: Uint32Array): void {
  for (let k = 0; k < 32; k++) {
    const byte = ((input[k >> 2]! | 0) >>> ((k & 3) << 3)) & 0xff;
    nibbles[2 * k] = byte >>> 4;
    nibbles[2 * k + 1] = byte & 0xf;
  }
  mixed.fill(0);
  for (let i = 0; i < ROW_PAIRS; i++) {
    const row = i * MATRIX_SIZE;
    let sum = 0;
    // Unrolled by eight: measurably faster in JavaScriptCore than one multiply-add per iteration.
    for (let j = 0, at = row; j < MATRIX_SIZE; j += 8, at += 8) {
      sum = (sum +
        packed[at]! * nibbles[j]! + packed[at + 1]! * nibbles[j + 1]! + packed[at + 2]! * nibbles[j + 2]! + packed[at + 3]! * nibbles[j + 3]! +
        packed[at + 4]! * nibbles[j + 4]! + packed[at + 5]! * nibbles[j + 5]! + packed[at + 6]! * nibbles[j + 6]! + packed[at + 7]! * nibbles[j + 7]!) | 0;
    }
    const product = (((sum & 0xffff) >>> 10) << 4) | (sum >>> 26);
    mixed[i >> 2]! |= product << ((i & 3) << 3);
  }
  for (let w = 0; w < 8; w++) mixed[w] = mixed[w]! ^ (input[w]! | 0);
  out.set(HEAVY_HASH_INITIAL);
  for (let w = 0; w < 8; w++) out[w] = HEAVY_HASH_INITIAL_WORDS[w]! ^ mixed[w]!;
  keccakF1600(out);
}
