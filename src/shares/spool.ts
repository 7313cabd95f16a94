// An append-only local file of shares and blocks that could not reach the database. Each append is fsynced
// before it returns, so what the recorder acknowledged survives a crash until it is replayed.

import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { silentLogger, type Logger } from "../common/log.ts";
import { decodeRecord, encodeRecord, type SpoolRecord } from "./spoolRecord.ts";

export type { SpoolRecord };

// A record always starts with this: inside a JSON string a quote is escaped, so it cannot occur anywhere else.
const RECORD_START = '{"kind":';

/** Records on one line: a record that an older build appended onto a torn line is still read. */
function parseLine(line: string): { records: SpoolRecord[]; damaged: boolean } {
  try {
    return { records: [decodeRecord(line)], damaged: false };
  } catch {
    const at = line.lastIndexOf(RECORD_START);
    if (at <= 0) return { records: [], damaged: true };
    try {
      return { records: [decodeRecord(line.slice(at))], damaged: true };
    } catch {
      return { records: [], damaged: true };
    }
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}

function writeDurably(fd: number, text: string): void {
  writeAll(fd, text);
  fsyncSync(fd);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Spool {
  private fd: number | null = null;
  private bytes = 0;
  private count = 0;
  /** The file was created and its directory entry is not fsynced yet. */
  private entryUnsynced = false;
  /** Where lines that do not parse are kept for the operator. */
  readonly quarantinePath: string;

  /** Opens the spool, repairing the file first (see read). */
  constructor(readonly path: string, private readonly log: Logger = silentLogger) {
    this.quarantinePath = `${path}.quarantine`;
    this.read();
  }

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  /** Records in the file. */
  get length(): number {
    return this.count;
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    // The new directory entry must be durable too, or a machine crash could forget the whole file (see sync).
    this.entryUnsynced ||= !existsSync(this.path);
    this.fd = openSync(this.path, "a");
    return this.fd;
  }

  /** Appends records and fsyncs; when it returns they are on disk. */
  append(records: readonly SpoolRecord[]): void {
    if (records.length === 0) return;
    this.write(records);
    this.sync();
  }

  /**
   * Appends records without waiting for the disk: from its return they outlive the process (kill -9 included), and
   * a crash of the machine only once sync has returned.
   */
  write(records: readonly SpoolRecord[]): void {
    if (records.length === 0) return;
    const fd = this.open();
    const text = records.map(encodeRecord).join("\n") + "\n";
    try {
      writeAll(fd, text);
    } catch (err) {
      // A partly written append (disk full) must not leave a line the next append would run into.
      try {
        ftruncateSync(fd, this.bytes);
      } catch {}
      throw err;
    }
    this.bytes += Buffer.byteLength(text);
    this.count += records.length;
  }

  /** Makes what write appended durable. */
  sync(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    if (this.entryUnsynced) fsyncDir(dirname(this.path));
    this.entryUnsynced = false;
  }

  /**
   * Every record in the file, repairing it first. A last line without its newline was being written when the
   * process died; it was never acknowledged, so it is cut off. A line that does not parse is moved to the
   * quarantine file, so neither it nor anything appended after it can stop a replay.
   */
  read(): SpoolRecord[] {
    if (!existsSync(this.path)) return [];
    const buf = readFileSync(this.path);
    // Cut at a byte, not a character: a newline byte never occurs inside a multi-byte UTF-8 sequence.
    const end = buf.lastIndexOf(0x0a) + 1;
    const records: SpoolRecord[] = [];
    const damaged: string[] = [];
    for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      const parsed = parseLine(line);
      records.push(...parsed.records);
      if (parsed.damaged) damaged.push(line);
    }
    if (end < buf.length) {
      this.log.warn("spool ends in a torn line from an interrupted write; cutting it off", { spool: this.path, bytes: buf.length - end });
    }
    if (damaged.length) {
      this.quarantine(damaged);
      this.log.error("spool lines that do not parse moved to quarantine", {
        spool: this.path, quarantine: this.quarantinePath, lines: damaged.length,
      });
      this.rewrite(records);
    } else if (end < buf.length) {
      this.close();
      const fd = openSync(this.path, "r+");
      try {
        ftruncateSync(fd, end);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.bytes = end;
    } else {
      this.bytes = buf.length;
    }
    this.count = records.length;
    return records;
  }

  private quarantine(lines: string[]): void {
    const created = !existsSync(this.quarantinePath);
    const fd = openSync(this.quarantinePath, "a");
    try {
      writeDurably(fd, lines.join("\n") + "\n");
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDir(dirname(this.quarantinePath));
  }

  /** Replaces the file with `records` in one rename, so a crash leaves either the old file or the new one. */
  private rewrite(records: SpoolRecord[]): void {
    this.close();
    const text = records.length ? records.map(encodeRecord).join("\n") + "\n" : "";
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeDurably(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    fsyncDir(dirname(this.path));
    this.bytes = Buffer.byteLength(text);
  }

  /** Empties the file once its records are in the database. */
  clear(): void {
    ftruncateSync(this.open(), 0);
    this.sync();
    this.bytes = 0;
    this.count = 0;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
