// Decodes mining.notify params into the pre-PoW hash and timestamp a miner hashes with (spec §3.5).

import { hexToBytes, readU64le, u64le } from "../common/hex.ts";
import { U64_MAX } from "../common/json.ts";
import type { JobEncoding } from "./agent.ts";

export interface MinerJob {
  /** Echoed back verbatim in mining.submit, whatever JSON type the pool used. */
  jobId: string | number;
  prePowHash: Uint8Array;
  timestamp: bigint;
}


/** A u64 from parseJson output: a bigint, or a number only when it is a safe integer (a float would be rounded). */
function readU64(value: unknown, what: string): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else throw new TypeError(`${what} is not an integer`);
  if (n < 0n || n > U64_MAX) throw new RangeError(`${what} is outside the u64 range`);
  return n;
}

function readJobId(value: unknown): string | number {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw new TypeError("job id is neither a string nor an integer");
}

/**
 * Strict about the shape: a pool that sends the other encoding than the agent's family expects
 * would break that hardware, so the miner reports it instead of silently adapting.
 */
export function decodeJobParams(params: unknown, encoding: JobEncoding): MinerJob {
  if (!Array.isArray(params)) throw new TypeError("mining.notify params is not an array");
  const jobId = readJobId(params[0]);
  if (encoding === "bigheader") {
    const header = params[1];
    if (typeof header !== "string" || header.length !== 80 || !/^[0-9a-fA-F]+$/.test(header)) {
      throw new TypeError("expected an 80-hex big header job");
    }
    const bytes = hexToBytes(header);
    return { jobId, prePowHash: bytes.slice(0, 32), timestamp: readU64le(bytes, 32) };
  }
  const words = params[1];
  if (!Array.isArray(words) || words.length !== 4) throw new TypeError("expected a job with 4 u64 words");
  const prePowHash = new Uint8Array(32);
  words.forEach((w, i) => prePowHash.set(u64le(readU64(w, `job word ${i}`)), 8 * i));
  return { jobId, prePowHash, timestamp: readU64(params[2], "job timestamp") };
}
