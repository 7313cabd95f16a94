// Little-endian byte building for the transaction hashes, mirroring rusty-kaspa's HasherExtensions
// (write_len / write_var_bytes are a u64 length then the bytes).

import { hexToBytes } from "../../common/hex.ts";

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private at = 0;

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.view.setUint8(this.at, v);
    this.at += 1;
    return this;
  }

  u16(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.at, v, true);
    this.at += 4;
    return this;
  }

  u64(v: bigint | number): this {
    this.reserve(8);
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
    return this;
  }

  bytes(b: Uint8Array | string): this {
    const data = typeof b === "string" ? hexToBytes(b) : b;
    this.reserve(data.length);
    this.buf.set(data, this.at);
    this.at += data.length;
    return this;
  }

  varBytes(b: Uint8Array | string): this {
    const data = typeof b === "string" ? hexToBytes(b) : b;
    return this.u64(data.length).bytes(data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

/** Splits an RPC script public key ("vvvv" + script hex) into its version and script bytes. */
export function splitScriptPublicKey(spkHex: string): { version: number; script: Uint8Array } {
  const bytes = hexToBytes(spkHex);
  if (bytes.length < 2) throw new Error("script public key is shorter than its 2-byte version");
  return { version: (bytes[0]! << 8) | bytes[1]!, script: bytes.subarray(2) };
}
