// Per-template PoW state: the expensive parts (matrix, absorbed pre-PoW hash and timestamp) are prepared once,
// so a share check costs two Keccak permutations and one matrix-vector product.

import { POW_HASH_INITIAL } from "./cshake.ts";
import { heavyHash, packMatrix } from "./heavyHash.ts";
import { keccakF1600 } from "./keccak.ts";
import { generateMatrix } from "./matrix.ts";

const U32 = 0xffffffffn;
const U256_MAX = (1n << 256n) - 1n;
const SIGN = 0x80000000 | 0;

export class PowState {
  private readonly packed: Int32Array;
  private readonly absorbed = new Uint32Array(50);
  private readonly work = new Uint32Array(50);
  /** The result as four u64 reads: 4 bigints and 6 operations instead of 8 and 14 from the uint32 words. */
  private readonly workView = new DataView(this.work.buffer);
  /** The same words as int32: JavaScriptCore's optimized code reads an Int32Array without the overflow bail-out
   * that a Uint32Array word of 2^31 or more can trigger (see heavyHash.ts). */
  private readonly workInt = new Int32Array(this.work.buffer);
  /** The last target powBelow was asked about, as words most significant first with the sign bit flipped, so
   * that int32 order is uint32 order. Shares on one job come against a few targets. */
  private target = -1n;
  private readonly targetWords = new Int32Array(8);

  constructor(prePowHash: Uint8Array, timestamp: bigint) {
    if (prePowHash.length !== 32) throw new RangeError("pre-PoW hash must be 32 bytes");
    this.packed = packMatrix(generateMatrix(prePowHash));
    // PowHash input: pre-PoW hash (lanes 0-3) ‖ timestamp (lane 4) ‖ 32 zero bytes ‖ nonce (lane 9).
    const a = this.absorbed;
    a.set(POW_HASH_INITIAL);
    const view = new DataView(prePowHash.buffer, prePowHash.byteOffset, 32);
    for (let w = 0; w < 8; w++) a[w]! ^= view.getUint32(w * 4, true);
    a[8]! ^= Number(timestamp & U32);
    a[9]! ^= Number((timestamp >> 32n) & U32);
  }

  /** The PoW value for a nonce: the heavy-hash output read as a little-endian uint256. */
  pow(nonce: bigint): bigint {
    this.hash(nonce);
    return this.result();
  }

  /**
   * The PoW value for a nonce if it is below `target`, else null: a failing nonce (a low-difficulty share, or a
   * wrong-job-id share tried on other jobs) costs no bigint arithmetic on the result.
   */
  powBelow(nonce: bigint, target: bigint): bigint | null {
    this.hash(nonce);
    if (target !== this.target) this.setTarget(target);
    const s = this.workInt, t = this.targetWords;
    for (let w = 0; w < 8; w++) {
      const p = s[7 - w]! ^ SIGN, q = t[w]!;
      if (p !== q) return p < q ? this.result() : null;
    }
    return null;
  }

  /** Leaves the heavy-hash output little-endian in work[0..8). */
  private hash(nonce: bigint): void {
    const s = this.work;
    s.set(this.absorbed);
    s[18]! ^= Number(nonce & U32);
    s[19]! ^= Number((nonce >> 32n) & U32);
    keccakF1600(s);
    heavyHash(this.packed, s, s);
  }

  private result(): bigint {
    const v = this.workView;
    return (
      (v.getBigUint64(24, true) << 192n) | (v.getBigUint64(16, true) << 128n) | (v.getBigUint64(8, true) << 64n) |
      v.getBigUint64(0, true)
    );
  }

  private setTarget(target: bigint): void {
    // Outside [0, 2^256) the words saturate rather than wrap: no hash is below 0, every hash is below 2^256.
    const clamped = target < 0n ? 0n : target > U256_MAX ? U256_MAX : target;
    for (let w = 0; w < 8; w++) this.targetWords[w] = Number((clamped >> BigInt(224 - 32 * w)) & U32) ^ SIGN;
    this.target = target;
  }
}
