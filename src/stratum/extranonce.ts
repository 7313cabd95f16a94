// Extranonces: a per-connection prefix in the most-significant bytes of the 64-bit nonce, so that miners on the
// same template never search the same nonces (spec §3.3; tmrlvi kaspa-miner stratum.rs set_extranonce).

import { errors } from "./errors.ts";

/** Hands out extranonces that are unique among live connections, sequentially, skipping those in use. */
export class ExtranonceAllocator {
  private readonly inUse = new Set<number>();
  private next = 0;
  private readonly space: number;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0 || size > 3) throw new RangeError("extranonce size must be 0 to 3 bytes");
    this.space = 2 ** (8 * size);
  }

  /** The hex extranonce for a new connection ("" when the size is 0), or null when every value is taken. */
  allocate(): string | null {
    if (this.size === 0) return "";
    if (this.inUse.size >= this.space) return null;
    while (this.inUse.has(this.next)) this.next = (this.next + 1) % this.space;
    const value = this.next;
    this.inUse.add(value);
    this.next = (value + 1) % this.space;
    return value.toString(16).padStart(2 * this.size, "0");
  }

  release(extranonce: string): void {
    if (extranonce) this.inUse.delete(parseInt(extranonce, 16));
  }

  get live(): number {
    return this.inUse.size;
  }
}

const HEX = /^[0-9a-fA-F]{1,16}$/;

/**
 * The full nonce of a mining.submit. A short nonce is the miner's part and gets the extranonce in front
 * (rdugan/rusty bridges' share_handler); a longer one is taken as the full nonce and must carry this
 * connection's extranonce in its top bytes, so no miner can submit another connection's nonce space.
 */
export function resolveNonce(param: unknown, extranonce: string): bigint {
  if (typeof param !== "string") throw errors.other("nonce must be a hex string");
  const hex = param.startsWith("0x") || param.startsWith("0X") ? param.slice(2) : param;
  if (!HEX.test(hex)) throw errors.other("nonce must be 1 to 16 hex digits");
  const minerDigits = 16 - extranonce.length;
  if (hex.length <= minerDigits) return BigInt("0x" + extranonce + hex.padStart(minerDigits, "0"));
  const full = hex.padStart(16, "0");
  if (extranonce && full.slice(0, extranonce.length).toLowerCase() !== extranonce) {
    throw errors.other("nonce does not start with this connection's extranonce");
  }
  return BigInt("0x" + full);
}
