// An append-only local file of shares and blocks that could not reach the database. Each append is fsynced
// before it returns, so what the recorder acknowledged survives a crash until it is replayed.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync } from "node:fs";
import { dirname } from "node:path";
import type { StoredShare } from "../db/shares.ts";
import type { FoundBlock } from "./types.ts";

export type SpoolRecord = { kind: "share"; share: StoredShare } | { kind: "block"; block: FoundBlock };

// u64 fields travel as decimal strings so every value, small or large, reads back as bigint.
function encode(r: SpoolRecord): string {
  if (r.kind === "share") return JSON.stringify({ kind: "share", share: { ...r.share, nonce: r.share.nonce.toString() } });
  return JSON.stringify({ kind: "block", block: { ...r.block, daaScore: r.block.daaScore.toString() } });
}

function decode(line: string): SpoolRecord {
  const r = JSON.parse(line);
  // Spools written before shares carried their run belong to run '' (migration 003).
  if (r.kind === "share") return { kind: "share", share: { ...r.share, run: r.share.run ?? "", nonce: BigInt(r.share.nonce) } };
  if (r.kind === "block") return { kind: "block", block: { ...r.block, daaScore: BigInt(r.block.daaScore) } };
  throw new Error(`unknown spool record kind: ${String(r.kind)}`);
}

export class Spool {
  private fd: number | null = null;
  private bytes = 0;

  constructor(readonly path: string) {
    if (existsSync(path)) this.bytes = readFileSync(path).length;
  }

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const created = !existsSync(this.path);
    this.fd = openSync(this.path, "a");
    if (created) {
      // The new directory entry must be durable too, or a crash could forget the whole file.
      const dirFd = openSync(dir, "r");
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    return this.fd;
  }

  /** Appends records and fsyncs; when it returns they are on disk. */
  append(records: readonly SpoolRecord[]): void {
    if (records.length === 0) return;
    const fd = this.open();
    const text = records.map(encode).join("\n") + "\n";
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
    this.bytes += buf.length;
  }

  /**
   * Every complete record in the file. A last line without its newline was being written when the process
   * died; it was never acknowledged, so it is dropped.
   */
  read(): SpoolRecord[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, "utf8");
    const end = text.lastIndexOf("\n");
    if (end < 0) return [];
    return text.slice(0, end).split("\n").filter(Boolean).map(decode);
  }

  /** Empties the file once its records are in the database. */
  clear(): void {
    const fd = this.open();
    ftruncateSync(fd, 0);
    fsyncSync(fd);
    this.bytes = 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
