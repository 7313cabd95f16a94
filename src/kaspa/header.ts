// Block headers as the node's RPC JSON carries them, and their hashes (kaspa-mining.md §1.2, §1.3;
// rusty-kaspa consensus/core/src/hashing/header.rs).

import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex, hexToBytes } from "../common/hex.ts";
import { toBigInt, U64_MAX } from "../common/json.ts";

export interface Header {
  version: number;
  parentsByLevel: string[][];
  hashMerkleRoot: string;
  acceptedIdMerkleRoot: string;
  utxoCommitment: string;
  timestamp: bigint;
  bits: number;
  nonce: bigint;
  daaScore: bigint;
  /** Big-endian hex of any length, as the node sends it. */
  blueWork: string;
  blueScore: bigint;
  pruningPoint: string;
}

const HASH_HEX = /^[0-9a-fA-F]{64}$/;
const BLOCK_HASH_KEY = new TextEncoder().encode("BlockHash");

/** Reads a header from RPC JSON; throws an Error naming the first bad field. */
export function parseHeader(json: unknown): Header {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error("header: expected a JSON object");
  const o = json as Record<string, unknown>;
  const parents = o.parentsByLevel;
  if (!Array.isArray(parents)) throw new Error("header.parentsByLevel: expected an array of arrays of hashes");
  const parentsByLevel = parents.map((level, i) => {
    if (!Array.isArray(level)) throw new Error(`header.parentsByLevel[${i}]: expected an array of hashes`);
    return level.map((h, j) => hash(h, `parentsByLevel[${i}][${j}]`));
  });
  const blueWork = o.blueWork;
  if (typeof blueWork !== "string" || !/^[0-9a-fA-F]*$/.test(blueWork)) throw new Error("header.blueWork: expected a hex string");
  return {
    version: uint(o.version, "version", 0xffff),
    parentsByLevel,
    hashMerkleRoot: hash(o.hashMerkleRoot, "hashMerkleRoot"),
    acceptedIdMerkleRoot: hash(o.acceptedIdMerkleRoot, "acceptedIdMerkleRoot"),
    utxoCommitment: hash(o.utxoCommitment, "utxoCommitment"),
    timestamp: u64(o.timestamp, "timestamp"),
    bits: uint(o.bits, "bits", 0xffffffff),
    nonce: u64(o.nonce, "nonce"),
    daaScore: u64(o.daaScore, "daaScore"),
    blueWork: blueWork.toLowerCase(),
    blueScore: u64(o.blueScore, "blueScore"),
    pruningPoint: hash(o.pruningPoint, "pruningPoint"),
  };
}

function hash(value: unknown, field: string): string {
  if (typeof value !== "string" || !HASH_HEX.test(value)) throw new Error(`header.${field}: expected a 64-char hex hash`);
  return value.toLowerCase();
}

function u64(value: unknown, field: string): bigint {
  let n: bigint;
  try {
    n = toBigInt(value, field);
  } catch {
    throw new Error(`header.${field}: expected an unsigned 64-bit integer`);
  }
  if (n < 0n || n > U64_MAX) throw new Error(`header.${field}: ${n} is out of the u64 range`);
  return n;
}

function uint(value: unknown, field: string, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`header.${field}: expected an integer from 0 to ${max}`);
  }
  return value;
}

/** The bytes BlockHash is computed over, with the given nonce and timestamp in place of the header's. */
export function headerPreimage(h: Header, nonce: bigint, timestamp: bigint): Uint8Array {
  const blueWork = minimalBigEndian(h.blueWork);
  const parentCount = h.parentsByLevel.reduce((n, level) => n + level.length, 0);
  const size = 2 + 8 + h.parentsByLevel.length * 8 + parentCount * 32 + 3 * 32 + 8 + 4 + 8 + 8 + 8 + 8 + blueWork.length + 32;
  const out = Buffer.alloc(size);
  const view = new DataView(out.buffer, out.byteOffset, size);
  let at = 0;
  // Writing hex straight into the buffer: a template has dozens of parent hashes and this runs per template.
  const putHash = (hex: string) => {
    if (hex.length !== 64 || out.write(hex, at, 32, "hex") !== 32) throw new Error(`invalid 32-byte hash "${hex}"`);
    at += 32;
  };
  const putU64 = (v: bigint) => {
    view.setBigUint64(at, v, true);
    at += 8;
  };
  view.setUint16(at, h.version, true);
  at += 2;
  putU64(BigInt(h.parentsByLevel.length));
  for (const level of h.parentsByLevel) {
    putU64(BigInt(level.length));
    level.forEach(putHash);
  }
  putHash(h.hashMerkleRoot);
  putHash(h.acceptedIdMerkleRoot);
  putHash(h.utxoCommitment);
  putU64(timestamp);
  view.setUint32(at, h.bits, true);
  at += 4;
  putU64(nonce);
  putU64(h.daaScore);
  putU64(h.blueScore);
  putU64(BigInt(blueWork.length));
  out.set(blueWork, at);
  at += blueWork.length;
  putHash(h.pruningPoint);
  return new Uint8Array(out.buffer, out.byteOffset, size);
}

/** Blue work as big-endian bytes without leading zeros (zero is no bytes), as consensus hashes it. */
function minimalBigEndian(hex: string): Uint8Array {
  const trimmed = hex.replace(/^0+/, "");
  return hexToBytes(trimmed.length % 2 ? "0" + trimmed : trimmed);
}

function blockHashBytes(h: Header, nonce: bigint, timestamp: bigint): Uint8Array {
  return blake2b(headerPreimage(h, nonce, timestamp), { key: BLOCK_HASH_KEY, dkLen: 32 });
}

/** The block hash (hex), over the header's own nonce and timestamp. */
export function blockHash(h: Header): string {
  return bytesToHex(blockHashBytes(h, h.nonce, h.timestamp));
}

/** The hash stratum jobs carry: the block hash with nonce and timestamp written as 0. */
export function prePowHash(h: Header): Uint8Array {
  return blockHashBytes(h, 0n, 0n);
}
