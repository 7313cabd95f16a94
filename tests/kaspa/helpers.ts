// Loads the shared Kaspa test vectors kept in tests/kaspa/fixtures (copied from shared/vectors).

import { readFileSync } from "node:fs";
import { join } from "node:path";
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
