// The 64-bit nonce space: the pool's extranonce fills the most-significant bytes (spec §3.3,
// tmrlvi kaspa-miner stratum.rs set_extranonce), the miner's threads split what is left.

export interface Extranonce {
  /** The extranonce already shifted into the top bytes of a nonce. */
  prefix: bigint;
  /** Number of low nonce bits left to the miner. */
  freeBits: number;
}

export const NO_EXTRANONCE: Extranonce = { prefix: 0n, freeBits: 64 };

export function parseExtranonce(hex: string): Extranonce {
  if (hex.length % 2 !== 0 || hex.length > 14 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`invalid extranonce "${hex.slice(0, 20)}": expected 0 to 7 bytes of hex`);
  }
  const freeBits = 64 - hex.length * 4;
  return { prefix: hex ? BigInt("0x" + hex) << BigInt(freeBits) : 0n, freeBits };
}

export interface NonceRange {
  /** First nonce of this thread's slice. */
  base: bigint;
  /** Slice size; a thread scans base + ((offset + k) mod size). */
  size: bigint;
  /** Random starting point inside the slice, so a reconnect or a repeated job does not redo the same nonces. */
  offset: bigint;
}

export function threadRange(extranonce: Extranonce, thread: number, threads: number, random: bigint): NonceRange {
  const space = 1n << BigInt(extranonce.freeBits);
  const size = space / BigInt(threads) || 1n;
  const base = extranonce.prefix + (BigInt(thread) * size) % space;
  return { base, size, offset: random % size };
}

/**
 * We always submit the full 16-hex nonce, extranonce included: pools take a full-length nonce as is
 * and prefix only short ones (spec §3.7), so this form is valid for every pool that checks the prefix.
 */
export function formatNonce(nonce: bigint): string {
  return nonce.toString(16).padStart(16, "0");
}
