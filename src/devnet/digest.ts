// Stand-in hashes for the parts of the DAG the simulator does not really build (other miners' blocks, merkle
// roots, commitments): deterministic, well distributed, and never mistaken for a real Kaspa hash domain.

import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "../common/hex.ts";

const KEY = new TextEncoder().encode("KaspoolDevnet");

export function devnetHash(...parts: ReadonlyArray<string | number | bigint>): string {
  return bytesToHex(blake2b(new TextEncoder().encode(parts.join("|")), { dkLen: 32, key: KEY }));
}
