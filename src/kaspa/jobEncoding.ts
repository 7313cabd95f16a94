// The two shapes of a stratum job's header data (kaspa-mining.md §3.5).

import { bytesToHex, readU64le, u64le } from "../common/hex.ts";

/** Standard notify: the pre-PoW hash as four little-endian u64 words. */
export function jobWords(prePowHash: Uint8Array): [bigint, bigint, bigint, bigint] {
  if (prePowHash.length !== 32) throw new RangeError("pre-PoW hash must be 32 bytes");
  return [readU64le(prePowHash, 0), readU64le(prePowHash, 8), readU64le(prePowHash, 16), readU64le(prePowHash, 24)];
}

/** "Big header" notify (BzMiner, IceRiver): hex of the pre-PoW hash then of the little-endian timestamp. */
export function bigHeaderJob(prePowHash: Uint8Array, timestamp: bigint): string {
  if (prePowHash.length !== 32) throw new RangeError("pre-PoW hash must be 32 bytes");
  return bytesToHex(prePowHash) + bytesToHex(u64le(timestamp));
}
