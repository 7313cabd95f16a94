// xoshiro256++ as Kaspa uses it to fill the heavy-hash matrix (rusty-kaspa consensus/pow/src/xoshiro.rs).
// The 64-bit lanes are kept as pairs of uint32 so that generating a matrix needs no BigInt arithmetic.

export class Xoshiro256PlusPlus {
  // [lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3]
  private readonly s = new Uint32Array(8);
  /** The last output, as two uint32 halves, written by next(). */
  lo = 0;
  hi = 0;

  /** Seeds from 32 bytes read as four little-endian u64 words, as Kaspa seeds from the pre-PoW hash. */
  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new RangeError("xoshiro seed must be 32 bytes");
    const view = new DataView(seed.buffer, seed.byteOffset, 32);
    for (let i = 0; i < 8; i++) this.s[i] = view.getUint32(i * 4, true);
  }

  /** Advances the generator; the output is left in lo/hi. */
  next(): void {
    const s = this.s;
    const l0 = s[0]!, h0 = s[1]!, l1 = s[2]!, h1 = s[3]!, l2 = s[4]!, h2 = s[5]!, l3 = s[6]!, h3 = s[7]!;

    // res = rotl(s0 + s3, 23) + s0
    let sl = (l0 + l3) >>> 0;
    let sh = (h0 + h3 + (sl < l0 ? 1 : 0)) >>> 0;
    const rl = ((sl << 23) | (sh >>> 9)) >>> 0;
    const rh = ((sh << 23) | (sl >>> 9)) >>> 0;
    sl = (rl + l0) >>> 0;
    sh = (rh + h0 + (sl < rl ? 1 : 0)) >>> 0;
    this.lo = sl;
    this.hi = sh;

    // t = s1 << 17
    const tl = (l1 << 17) >>> 0;
    const th = ((h1 << 17) | (l1 >>> 15)) >>> 0;
    const n2l = l2 ^ l0, n2h = h2 ^ h0;
    const n3l = l3 ^ l1, n3h = h3 ^ h1;
    const n1l = l1 ^ n2l, n1h = h1 ^ n2h;
    const n0l = l0 ^ n3l, n0h = h0 ^ n3h;
    const f2l = n2l ^ tl, f2h = n2h ^ th;
    // s3 = rotl(s3, 45) = rotl of the swapped halves by 13
    const f3l = (n3h << 13) | (n3l >>> 19);
    const f3h = (n3l << 13) | (n3h >>> 19);
    s[0] = n0l; s[1] = n0h; s[2] = n1l; s[3] = n1h;
    s[4] = f2l; s[5] = f2h; s[6] = f3l; s[7] = f3h;
  }
}
