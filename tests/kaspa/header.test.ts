import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import { parseJson } from "../../src/common/json.ts";
import { blockHash, headerPreimage, parseHeader, prePowHash, type Header } from "../../src/kaspa/header.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { bitsToTarget } from "../../src/kaspa/target.ts";
import { devnetBlocks, exampleHeaderRpc, fixtureJson } from "./helpers.ts";

const ZERO = "0".repeat(64);

describe("parseHeader", () => {
  test("reads RPC JSON with u64 as numbers or bigint and normalises hex case", () => {
    const json = { ...exampleHeaderRpc(), nonce: 18446744073709551615n, hashMerkleRoot: "3FAE9BD437CA151774A04C72DF3C2F6F194B5F65F09E53B54969330F080A9F4F" };
    const h = parseHeader(json);
    expect(h.nonce).toBe(18446744073709551615n);
    expect(h.timestamp).toBe(1661062150793n);
    expect(h.bits).toBe(453325233);
    expect(h.hashMerkleRoot).toBe("3fae9bd437ca151774a04c72df3c2f6f194b5f65f09e53b54969330f080a9f4f");
    expect(h.parentsByLevel.length).toBe(35);
  });
  test("keeps a u64 above 2^53 exact through parseJson", () => {
    const text = JSON.stringify(exampleHeaderRpc()).replace('"nonce":123456789', '"nonce":18446744073709551557');
    expect(parseHeader(parseJson(text)).nonce).toBe(18446744073709551557n);
  });
  const bad: Array<[string, unknown, RegExp]> = [
    ["not an object", [], /expected a JSON object/],
    ["bad parent hash", { parentsByLevel: [["xyz"]] }, /parentsByLevel\[0\]\[0\]/],
    ["parents not an array", { parentsByLevel: "x" }, /parentsByLevel/],
    ["short merkle root", { hashMerkleRoot: "abcd" }, /hashMerkleRoot/],
    ["negative timestamp", { timestamp: -1 }, /timestamp/],
    ["u64 overflow", { daaScore: 2n ** 64n }, /daaScore.*u64/],
    ["fractional bits", { bits: 1.5 }, /bits/],
    ["bits above u32", { bits: 2 ** 32 }, /bits/],
    ["version above u16", { version: 70000 }, /version/],
    ["blueWork not hex", { blueWork: "0xzz" }, /blueWork/],
    ["missing pruning point", { pruningPoint: undefined }, /pruningPoint/],
  ];
  for (const [name, patch, message] of bad) {
    test(`names the bad field: ${name}`, () => {
      const json = Array.isArray(patch) ? patch : { ...exampleHeaderRpc(), ...(patch as object) };
      expect(() => parseHeader(json)).toThrow(message);
    });
  }
});

describe("header hashing", () => {
  test("mainnet template: pre-PoW hash and block hash (§2.6)", () => {
    const h = parseHeader(exampleHeaderRpc());
    expect(bytesToHex(prePowHash(h))).toBe("853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed2");
    expect(blockHash(h)).toBe("e7ec111a589268589a443ac8f04307838e57b729bd21f58e5be00244eadc7e54");
  });

  test("mainnet and testnet genesis (§2.7)", () => {
    const base = { version: 0, parentsByLevel: [], acceptedIdMerkleRoot: ZERO, blueScore: 0, blueWork: "", pruningPoint: ZERO };
    const mainnet = parseHeader({
      ...base, hashMerkleRoot: "8ec898568c6801d13df4ee6e2a1b54b7e6236f671f20954f05306410518eeb32",
      utxoCommitment: "710f27df423e63aa6cdb72b89ea5a06cffa399d66f167704455b5af59def8e20",
      timestamp: 1637609671037, bits: 486722099, nonce: 0x3392c, daaScore: 1312860,
    });
    expect(blockHash(mainnet)).toBe("58c2d4199e21f910d1571d114969cecef48f09f934d42ccb6a281a15868f2999");
    const testnet = parseHeader({
      ...base, hashMerkleRoot: "17341408a5724556504df4d6cf515cbfbb220430dc451c743c22d5e911720c2a",
      utxoCommitment: "544eb3142c000f0ad2c76ac41f4222abbababed830eeafee4b6dc56b52d5cac0",
      timestamp: 0x17c5f62fbb6, bits: 0x1e7fffff, nonce: 0x14582, daaScore: 0,
    });
    expect(blockHash(testnet)).toBe("f896a3034873be1739fc4359236899fd3d65d2bc94f9780df0d0da3eb1cc4370");
  });

  test("multi-parent version-2 header: preimage bytes, hash, pre-PoW hash and PoW (§2.8)", () => {
    const json = fixtureJson("goref_devnet_multi_parent_header.json") as Record<string, unknown>;
    const h = parseHeader(json);
    expect(bytesToHex(headerPreimage(h, h.nonce, h.timestamp))).toBe(
      "02000200000000000000020000000000000024947bb2900ec3e33b5633070a65998d385e565f2d1c567fc7984d299b1e2e0f115c2165588b77cff3216ae42b9c" +
        "ef0469eb55e3074252d1f3008c8893ee6be30100000000000000115c2165588b77cff3216ae42b9cef0469eb55e3074252d1f3008c8893ee6be3e23134b15883" +
        "ba18ed205b42cb0cb57689b0aac1d558b306a86228cd5c71422660c11f95f917a1943be3ea8d10c89f717d56cbf6dca8b510ca185ba6c2f9e7aba835da94915b" +
        "193d2d36f3cf36957625ebadfcc86c35b0c26d8e9d451c355ebec6b7b49d1e0100001cbc211e0000000000000000040000000000000005000000000000000300" +
        "00000000000025f1664cb48d0b2073b802360145a15ad1abdc01d89b5c2fe4722630ab9b5fe9dfc4f2",
    );
    expect(blockHash(h)).toBe(json.hash as string);
    const pre = prePowHash(h);
    expect(bytesToHex(pre)).toBe("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d");
    expect(new PowState(pre, h.timestamp).pow(0x1234567890abcdefn)).toBe(0x957edafe573efb3f21aeaafee74a549d4bd9e493717e18d82550608b36fed33an);
    expect(bitsToTarget(h.bits)).toBe(0x000021bc1c000000000000000000000000000000000000000000000000000000n);
  });

  test("every header of goref_devnet_first3_blocks.jsonl hashes to its hash field", () => {
    const blocks = devnetBlocks();
    expect(blocks.length).toBe(3);
    for (const b of blocks) expect(blockHash(parseHeader(b.header))).toBe(b.header.hash as string);
  });

  test("blue work: leading zeros, odd length and zero all hash like the minimal big-endian integer", () => {
    const h = parseHeader(exampleHeaderRpc());
    const withWork = (blueWork: string): Header => ({ ...h, blueWork });
    expect(blockHash(withWork("0007b09bfb044de1ae41"))).toBe(blockHash(h));
    const zero = bytesToHex(headerPreimage(withWork("000000"), 0n, 0n));
    expect(zero).toBe(bytesToHex(headerPreimage(withWork(""), 0n, 0n)));
    // blue work 123456 serialises as length 3 then 01 e2 40 (rusty-kaspa header.rs unit test)
    expect(bytesToHex(headerPreimage(withWork("1e240"), 0n, 0n))).toContain("030000000000000001e240");
  });

  test("pre-PoW hash ignores nonce and timestamp; block hash does not", () => {
    const h = parseHeader(exampleHeaderRpc());
    const other = { ...h, nonce: 1n, timestamp: 2n };
    expect(bytesToHex(prePowHash(other))).toBe(bytesToHex(prePowHash(h)));
    expect(blockHash(other)).not.toBe(blockHash(h));
  });
});
