// Per-template PoW state: the expensive parts (matrix, absorbed pre-PoW hash and timestamp) are prepared once,
// so a share check costs two Keccak permutations and one matrix-vector product.

import { POW_HASH_INITIAL } from "./cshake.ts";
import { heavyHash, packMatrix } from "./heavyHash.ts";
import { keccakF1600 } from "./keccak.ts";
import { generateMatrix } from "./matrix.ts";

const U32 = 0xffffffffn;

export class PowState {
  private readonly packed: Int32Array;
  private readonly absorbed = new Uint32Array(50);
  private readonly work = new Uint32Array(50);

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
    const s = this.work;
    s.set(this.absorbed);
    s[18]! ^= Number(nonce & U32);
    s[19]! ^= Number((nonce >> 32n) & U32);
    keccakF1600(s);
    heavyHash(this.packed, s, s);
    return (
      (BigInt(s[7]!) << 224n) | (BigInt(s[6]!) << 192n) | (BigInt(s[5]!) << 160n) | (BigInt(s[4]!) << 128n) |
      (BigInt(s[3]!) << 96n) | (BigInt(s[2]!) << 64n) | (BigInt(s[1]!) << 32n) | BigInt(s[0]!)
    );
  }
}
