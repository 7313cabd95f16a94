// Loads the shared Kaspa test vectors kept in tests/kaspa/fixtures (copied from shared/vectors).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex, readU64le } from "../../src/common/hex.ts";
import { parseJson } from "../../src/common/json.ts";

const FIXTURES = join(import.meta.dir, "fixtures");

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export function fixtureJson(name: string): unknown {
  return parseJson(fixtureText(name));
}

/** onemorebsmith's example_header.json (Go field names) in the node's RPC JSON shape. */
export function exampleHeaderRpc(): Record<string, unknown> {
  const g = fixtureJson("example_header.json") as Record<string, any>;
  return {
    version: g.Version,
    parentsByLevel: g.Parents.map((p: { ParentHashes: string[] }) => p.ParentHashes),
    hashMerkleRoot: g.HashMerkleRoot,
    acceptedIdMerkleRoot: g.AcceptedIDMerkleRoot,
    utxoCommitment: g.UTXOCommitment,
    timestamp: g.Timestamp,
    bits: g.Bits,
    nonce: g.Nonce,
    daaScore: g.DAAScore,
    blueWork: g.BlueWork,
    blueScore: g.BlueScore,
    pruningPoint: g.PruningPoint,
  };
}

export function devnetBlocks(): Array<{ header: Record<string, unknown>; transactions: unknown[] }> {
  return fixtureText("goref_devnet_first3_blocks.jsonl")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => parseJson(l) as { header: Record<string, unknown>; transactions: unknown[] });
}

/** Deterministic pseudo-random RPC headers (1-3 parent levels, blue work of varying length) for comparisons. */
export function randomHeaders(count: number, seed = 1): Array<Record<string, unknown>> {
  let counter = 0;
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(blake2b(Uint8Array.of(seed, counter >> 8, counter++ & 0xff), { dkLen: 32 }).subarray(0, n - i), i);
    return out;
  };
  const hash = () => bytesToHex(bytes(32));
  const u64 = () => readU64le(bytes(8));
  return Array.from({ length: count }, () => {
    const r = bytes(4);
    return {
      version: r[0]! % 3,
      parentsByLevel: Array.from({ length: 1 + (r[1]! % 3) }, (_, level) => Array.from({ length: 1 + ((r[2]! + level) % 3) }, hash)),
      hashMerkleRoot: hash(),
      acceptedIdMerkleRoot: hash(),
      utxoCommitment: hash(),
      timestamp: u64() >> 20n,
      bits: 0x1d000000 + (r[3]! << 8),
      nonce: u64(),
      daaScore: u64() >> 8n,
      blueWork: "00" + bytesToHex(bytes(1 + (r[3]! % 23))),
      blueScore: u64() >> 8n,
      pruningPoint: hash(),
    };
  });
}
