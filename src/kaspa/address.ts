// Kaspa addresses: "prefix:" + base32(version byte ‖ payload) + 8-char CashAddr-style checksum
// (node-rpc.md §9; rusty-kaspa crypto/addresses/src/bech32.rs), and the script public keys they pay to.

import type { NetworkId } from "../config/types.ts";
import { bytesToHex, hexToBytes } from "../common/hex.ts";

export type AddressVersion = 0 | 1 | 8;

export interface DecodedAddress {
  prefix: string;
  version: AddressVersion;
  payload: Uint8Array;
}

export class AddressError extends Error {
  override name = "AddressError";
}

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHARSET_INDEX = new Map([...CHARSET].map((c, i) => [c, i]));
const KNOWN_PREFIXES = new Set(["kaspa", "kaspatest", "kaspasim", "kaspadev"]);
const PAYLOAD_LENGTH: Record<AddressVersion, number> = { 0: 32, 1: 33, 8: 32 };
const CHECKSUM_CHARS = 8;
const GENERATORS = [0x98f2bc8e61n, 0x79b76d99e2n, 0xf33e5fb3c4n, 0xae2eabe2a8n, 0x1e4f43e470n];

function polymod(values: Iterable<number>): bigint {
  let c = 1n;
  for (const d of values) {
    const c0 = c >> 35n;
    c = ((c & 0x07ffffffffn) << 5n) ^ BigInt(d);
    for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) c ^= GENERATORS[i]!;
  }
  return c ^ 1n;
}

function checksum(prefix: string, data5: number[]): number[] {
  const prefix5 = [...prefix].map((ch) => ch.charCodeAt(0) & 0x1f);
  const mod = polymod([...prefix5, 0, ...data5, 0, 0, 0, 0, 0, 0, 0, 0]);
  return Array.from({ length: CHECKSUM_CHARS }, (_, i) => Number((mod >> BigInt(5 * (CHECKSUM_CHARS - 1 - i))) & 0x1fn));
}

function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const mask = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << from) | data[i]!) & 0xffff;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & mask);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & mask);
  } else if (bits >= from || ((acc << (to - bits)) & mask) !== 0) {
    return null;
  }
  return out;
}

function isVersion(v: number): v is AddressVersion {
  return v === 0 || v === 1 || v === 8;
}

/** Encodes any prefix, version and payload; lengths are not checked here so that test vectors can be built. */
export function encodeAddress(prefix: string, version: AddressVersion, payload: Uint8Array): string {
  if (!/^[a-z0-9]+$/.test(prefix)) throw new AddressError(`invalid address prefix "${prefix}"`);
  const data5 = convertBits([version, ...payload], 8, 5, true)!;
  const chars = [...data5, ...checksum(prefix, data5)].map((d) => CHARSET[d]);
  return `${prefix}:${chars.join("")}`;
}

export function decodeAddress(address: string): DecodedAddress {
  if (typeof address !== "string") throw new AddressError("address must be a string");
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) throw new AddressError("address mixes upper and lower case");
  const lower = address.toLowerCase();
  const colon = lower.indexOf(":");
  if (colon < 0) throw new AddressError("address has no prefix (expected e.g. kaspa:...)");
  const prefix = lower.slice(0, colon);
  if (!KNOWN_PREFIXES.has(prefix)) throw new AddressError(`unknown address prefix "${prefix}"`);
  const body = lower.slice(colon + 1);
  if (body.length <= CHECKSUM_CHARS) throw new AddressError("address is too short");
  const values: number[] = [];
  for (const ch of body) {
    const v = CHARSET_INDEX.get(ch);
    if (v === undefined) throw new AddressError(`address contains invalid character "${ch}"`);
    values.push(v);
  }
  const data5 = values.slice(0, -CHECKSUM_CHARS);
  const expected = checksum(prefix, data5);
  if (expected.some((d, i) => d !== values[data5.length + i])) throw new AddressError("address checksum is wrong");
  const data8 = convertBits(data5, 5, 8, false);
  if (!data8 || data8.length === 0) throw new AddressError("address has invalid padding");
  const version = data8[0]!;
  if (!isVersion(version)) throw new AddressError(`unknown address version ${version}`);
  const payload = Uint8Array.from(data8.slice(1));
  if (payload.length !== PAYLOAD_LENGTH[version]) {
    throw new AddressError(`address payload is ${payload.length} bytes, version ${version} needs ${PAYLOAD_LENGTH[version]}`);
  }
  return { prefix, version, payload };
}

export function networkPrefix(network: NetworkId): "kaspa" | "kaspatest" | "kaspadev" {
  switch (network) {
    case "mainnet":
      return "kaspa";
    case "testnet-10":
      return "kaspatest";
    case "devnet":
      return "kaspadev";
  }
}

/**
 * null when the address is valid for the network, else a one-line reason. Another network's prefix is named as
 * such before anything else: the checksum covers the prefix, so `kaspa:` put in front of a devnet address would
 * otherwise only say "checksum is wrong".
 */
export function checkAddress(address: string, network: NetworkId): string | null {
  const want = networkPrefix(network);
  const given = address.slice(0, Math.max(0, address.indexOf(":"))).toLowerCase();
  if (KNOWN_PREFIXES.has(given) && given !== want) {
    const swapped = `${want}${address.slice(given.length)}`;
    const only = decodes(swapped) ? `; with "${want}:" it is a valid address (${swapped})` : "";
    return `wrong network: the address starts with "${given}:" but this pool runs on ${network}, whose addresses start with "${want}:"${only}`;
  }
  try {
    decodeAddress(address);
    return null;
  } catch (e) {
    if (e instanceof AddressError) return e.message;
    throw e;
  }
}

function decodes(address: string): boolean {
  try {
    decodeAddress(address);
    return true;
  } catch {
    return false;
  }
}

// Standard scripts (rusty-kaspa crypto/txscript/src/standard.rs); all use script public key version 0.
const OP_DATA_32 = 0x20;
const OP_DATA_33 = 0x21;
const OP_CHECKSIG = 0xac;
const OP_CHECKSIGECDSA = 0xab;
const OP_BLAKE2B = 0xaa;
const OP_EQUAL = 0x87;
const SPK_VERSION_HEX = "0000";

/** The RPC JSON script public key an address pays to: 2-byte big-endian version then the script, in hex. */
export function addressToScriptPublicKey(address: string): string {
  const { version, payload } = decodeAddress(address);
  const pk = bytesToHex(payload);
  const hex = (b: number) => b.toString(16).padStart(2, "0");
  switch (version) {
    case 0:
      return SPK_VERSION_HEX + hex(OP_DATA_32) + pk + hex(OP_CHECKSIG);
    case 1:
      return SPK_VERSION_HEX + hex(OP_DATA_33) + pk + hex(OP_CHECKSIGECDSA);
    case 8:
      return SPK_VERSION_HEX + hex(OP_BLAKE2B) + hex(OP_DATA_32) + pk + hex(OP_EQUAL);
  }
}

/** The address a standard script public key pays to, or null for any other script. */
export function scriptPublicKeyToAddress(spkHex: string, prefix: string): string | null {
  if (!/^([0-9a-fA-F]{2})*$/.test(spkHex) || spkHex.length < 4 || !/^0000/.test(spkHex)) return null;
  const s = hexToBytes(spkHex.slice(4));
  if (s.length === 34 && s[0] === OP_DATA_32 && s[33] === OP_CHECKSIG) return encodeAddress(prefix, 0, s.subarray(1, 33));
  if (s.length === 35 && s[0] === OP_DATA_33 && s[34] === OP_CHECKSIGECDSA) return encodeAddress(prefix, 1, s.subarray(1, 34));
  if (s.length === 35 && s[0] === OP_BLAKE2B && s[1] === OP_DATA_32 && s[34] === OP_EQUAL) return encodeAddress(prefix, 8, s.subarray(2, 34));
  return null;
}
