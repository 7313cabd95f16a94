import { describe, expect, test } from "bun:test";
import { keccakP } from "@noble/hashes/sha3.js";
import { hexToBytes, bytesToHex } from "../../src/common/hex.ts";
import { POW_HASH_INITIAL, HEAVY_HASH_INITIAL } from "../../src/kaspa/pow/cshake.ts";
import { heavyHash, packMatrix } from "../../src/kaspa/pow/heavyHash.ts";
import { keccakF1600 } from "../../src/kaspa/pow/keccak.ts";
import { generateMatrix, matrixRank } from "../../src/kaspa/pow/matrix.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { Xoshiro256PlusPlus } from "../../src/kaspa/pow/xoshiro.ts";
import { fixtureJson } from "./helpers.ts";

const matrices = fixtureJson("matrices.json") as { generatedFrom42: number[][]; heavyHashMatrix: number[][] };
const flat = (rows: number[][]) => Uint8Array.from(rows.flat());

function lanes(state: Uint32Array): bigint[] {
  return Array.from({ length: 25 }, (_, i) => (BigInt(state[2 * i + 1]!) << 32n) | BigInt(state[2 * i]!));
}

describe("xoshiro256++ (§2.1)", () => {
  test("state {1,2,3,4} gives the reference outputs", () => {
    const seed = new Uint8Array(32);
    const view = new DataView(seed.buffer);
    [1n, 2n, 3n, 4n].forEach((v, i) => view.setBigUint64(i * 8, v, true));
    const rng = new Xoshiro256PlusPlus(seed);
    const out = Array.from({ length: 10 }, () => {
      rng.next();
      return (BigInt(rng.hi) << 32n) | BigInt(rng.lo);
    });
    expect(out).toEqual([
      41943041n, 58720359n, 3588806011781223n, 3591011842654386n, 9228616714210784205n, 9973669472204895162n,
      14011001112246962877n, 12406186145184390807n, 15849039046786891736n, 10450023813501588000n,
    ]);
  });
});

describe("matrix (§2.2)", () => {
  test("generated from [42;32] equals the reference matrix", () => {
    expect(Array.from(generateMatrix(new Uint8Array(32).fill(42)))).toEqual(matrices.generatedFrom42.flat());
  });
  test("rank of a full-rank and of a singular matrix", () => {
    expect(matrixRank(flat(matrices.generatedFrom42))).toBe(64);
    const singular = flat(matrices.generatedFrom42);
    singular.copyWithin(64, 0, 64); // row 1 := row 0
    expect(matrixRank(singular)).toBe(63);
  });
  test("rank equals the reference's Gauss-Jordan elimination on rank-deficient matrices", () => {
    // The reference algorithm as written in kaspad/rusty-kaspa (it also updates rows already used as pivots).
    const referenceRank = (m: Uint8Array): number => {
      const b = Array.from({ length: 64 }, (_, r) => Array.from(m.subarray(r * 64, r * 64 + 64)));
      const selected = new Array<boolean>(64).fill(false);
      let rank = 0;
      for (let i = 0; i < 64; i++) {
        let j = 0;
        while (j < 64 && (selected[j] || Math.abs(b[j]![i]!) <= 1e-9)) j++;
        if (j === 64) continue;
        rank++;
        selected[j] = true;
        for (let p = i + 1; p < 64; p++) b[j]![p]! /= b[j]![i]!;
        for (let k = 0; k < 64; k++) {
          if (k !== j && Math.abs(b[k]![i]!) > 1e-9) for (let p = i + 1; p < 64; p++) b[k]![p]! -= b[j]![p]! * b[k]![i]!;
        }
      }
      return rank;
    };
    const rng = new Xoshiro256PlusPlus(new Uint8Array(32).fill(7));
    const ranks = new Set<number>();
    for (let n = 0; n < 150; n++) {
      const m = new Uint8Array(4096);
      const levels = 1 + (n % 4); // few distinct values make dependent rows likely
      for (let i = 0; i < m.length; i++) {
        rng.next();
        m[i] = rng.lo % 7 === 0 ? (rng.hi >>> 0) % (levels + 1) : 0;
      }
      for (let r = 0; r < n % 20; r++) m.copyWithin(((r * 37) % 64) * 64, ((r * 11 + 5) % 64) * 64, ((r * 11 + 5) % 64) * 64 + 64);
      const rank = matrixRank(m);
      expect(rank).toBe(referenceRank(m));
      ranks.add(rank);
    }
    expect(ranks.size).toBeGreaterThan(10);
  });
  test("an all-zero pre-PoW hash is refused instead of looping forever", () => {
    expect(() => generateMatrix(new Uint8Array(32))).toThrow(/all-zero/);
  });
});

test("our Keccak-f[1600] equals @noble/hashes' keccakP on chained random states", () => {
  const ours = new Uint32Array(50);
  crypto.getRandomValues(ours);
  const noble = ours.slice();
  for (let i = 0; i < 200; i++) {
    keccakF1600(ours);
    keccakP(noble);
  }
  expect(Array.from(ours)).toEqual(Array.from(noble));
  expect(ours.some((w) => w !== 0)).toBe(true);
});

describe("cSHAKE initial states (§2.4)", () => {
  test("ProofOfWorkHash state equals rusty-kaspa's constant", () => {
    expect(lanes(POW_HASH_INITIAL)).toEqual([
      1242148031264380989n, 3008272977830772284n, 2188519011337848018n, 1992179434288343456n, 8876506674959887717n,
      5399642050693751366n, 1745875063082670864n, 8605242046444978844n, 17936695144567157056n, 3343109343542796272n,
      1123092876221303306n, 4963925045340115282n, 17037383077651887893n, 16629644495023626889n, 12833675776649114147n,
      3784524041015224902n, 1082795874807940378n, 13952716920571277634n, 13411128033953605860n, 15060696040649351053n,
      9928834659948351306n, 5237849264682708699n, 12825353012139217522n, 6706187291358897596n, 196324915476054915n,
    ]);
  });
  test("HeavyHash state equals rusty-kaspa's constant", () => {
    expect(lanes(HEAVY_HASH_INITIAL)).toEqual([
      4239941492252378377n, 8746723911537738262n, 8796936657246353646n, 1272090201925444760n, 16654558671554924250n,
      8270816933120786537n, 13907396207649043898n, 6782861118970774626n, 9239690602118867528n, 11582319943599406348n,
      17596056728278508070n, 15212962468105129023n, 7812475424661425213n, 3370482334374859748n, 5690099369266491460n,
      8596393687355028144n, 570094237299545110n, 9119540418498120711n, 16901969272480492857n, 13372017233735502424n,
      14372891883993151831n, 5171152063242093102n, 10573107899694386186n, 6096431547456407061n, 1592359455985097269n,
    ]);
  });
});

/** Runs a prepared cSHAKE state over lanes XORed in (lane index -> u64) and returns the 32-byte output. */
function fixedCshake(initial: Uint32Array, input: Map<number, bigint>): string {
  const state = initial.slice();
  for (const [lane, v] of input) {
    state[2 * lane]! ^= Number(v & 0xffffffffn);
    state[2 * lane + 1]! ^= Number(v >> 32n);
  }
  keccakP(state);
  return bytesToHex(new Uint8Array(state.buffer, 0, 32));
}

describe("fixed-length cSHAKE256 (§2.5)", () => {
  const word42 = 0x2a2a2a2a2a2a2a2an;
  test("PowHash([42;32], ts 5435345234, nonce 432432432)", () => {
    const input = new Map([[0, word42], [1, word42], [2, word42], [3, word42], [4, 5435345234n], [9, 432432432n]]);
    expect(fixedCshake(POW_HASH_INITIAL, input)).toBe("2fb72b63dd0dd0d82b00cd9f83d4eca0710b7eb8c05966888f39ebc578978abf");
  });
  test("KHeavyHash([42;32])", () => {
    const input = new Map([[0, word42], [1, word42], [2, word42], [3, word42]]);
    expect(fixedCshake(HEAVY_HASH_INITIAL, input)).toBe("ad4ded01225705fea9aa043dd0a4e22ca28068bb41d5c6e06d35ca507d5656c7");
  });
});

function heavyHashHex(matrix: Uint8Array, inputHex: string): string {
  const state = new Uint32Array(50);
  state.set(new Uint32Array(hexToBytes(inputHex).buffer));
  heavyHash(packMatrix(matrix), state, state);
  return bytesToHex(new Uint8Array(state.buffer, 0, 32));
}

describe("heavy hash", () => {
  test("fixed matrix and input (§2.3)", () => {
    const input = "522ed4da1cc08f5cd542563ff5f19bbd499fe5b4ca699fa66dac8088a9c36129";
    expect(heavyHashHex(flat(matrices.heavyHashMatrix), input)).toBe("87689f379943eaf9b7475ca95325687772bfcc68fc7899caeb4409ec4590c325");
  });
  test("PowHash output of §2.8 through the matrix of its pre-PoW hash", () => {
    const matrix = generateMatrix(hexToBytes("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d"));
    expect(heavyHashHex(matrix, "a02a2dcd04477887e2218985555d6915b7635f2917450a2d786f3de00da6cd63")).toBe(
      "3ad3fe368b605025d8187e7193e4d94b9d544ae7feaaae213ffb3e57feda7e95",
    );
  });
});

describe("PowState", () => {
  test("[42;32] pre-PoW hash, timestamp 5435345234, nonce 432432432 (§2.5)", () => {
    const state = new PowState(new Uint8Array(32).fill(42), 5435345234n);
    expect(state.pow(432432432n)).toBe(0xe69bc1843689c90d12ac605675d5c3fca5454a57f0d0807cc8b82e356ecd5b5an);
  });
  test("multi-parent devnet header, nonce 0x1234567890abcdef (§2.8)", () => {
    const state = new PowState(hexToBytes("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d"), 1231006513094n);
    expect(state.pow(0x1234567890abcdefn)).toBe(0x957edafe573efb3f21aeaafee74a549d4bd9e493717e18d82550608b36fed33an);
  });
  test("repeated and interleaved calls give the same values (no state leaks between calls)", () => {
    const a = new PowState(new Uint8Array(32).fill(42), 5435345234n);
    const b = new PowState(hexToBytes("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d"), 1231006513094n);
    const first = a.pow(7n);
    b.pow(0x1234567890abcdefn);
    expect(a.pow(7n)).toBe(first);
    expect(b.pow(0x1234567890abcdefn)).toBe(0x957edafe573efb3f21aeaafee74a549d4bd9e493717e18d82550608b36fed33an);
    expect(a.pow(2n ** 64n - 1n)).not.toBe(first);
  });
  test("rejects a pre-PoW hash of the wrong length", () => {
    expect(() => new PowState(new Uint8Array(31).fill(1), 0n)).toThrow(/32 bytes/);
  });
});
