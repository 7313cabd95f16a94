// The durable ShareSink: group commit of accepted shares into the database, with a local spool when the
// database cannot be reached. A share's promise resolves only once it is in the database or fsynced in the spool.

import { setPayoutThreshold } from "../db/payments.ts";
import { randomBytes } from "node:crypto";
import { U64_MAX } from "../common/json.ts";
import { silentLogger, type Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import { addRejects } from "../db/history.ts";
import { insertShares, type StoredShare } from "../db/shares.ts";
import { RejectTally } from "./rejectTally.ts";
import { Spool, type SpoolRecord } from "./spool.ts";
import type { AcceptedShare, FoundBlock, RejectedShare, ShareSink } from "./types.ts";
import { shareKey, ShareWatermark } from "./watermark.ts";

export interface ShareRecorderOptions {
  db: Database;
  spoolPath: string;
  /** Makes a found block durable in the database (inserts it and its PPLNS window); must be idempotent. */
  persistBlock(block: FoundBlock): Promise<unknown>;
  log?: Logger;
  /** Most shares written by one statement. */
  maxBatch?: number;
  /**
   * Writes in flight at once. A batch does not wait for the previous one's commit round trip, only for a free
   * connection; the commits then share the database's WAL flush. While spooling, writes go one at a time.
   */
  maxConcurrentWrites?: number;
  /** How often, while spooling, to try the database again. */
  retryMs?: number;
  /** Hears each batch made durable, with how long the write took (metrics); must not throw. */
  onBatch?: (records: number, seconds: number) => void;
}

type Pending =
  | { record: SpoolRecord & { kind: "share" }; resolve(): void; reject(err: Error): void }
  | { record: SpoolRecord & { kind: "block" }; resolve(): void; reject(err: Error): void };

/** Stratum-side mistakes are refused up front, so one bad share can never poison a batch or the spool. */
function shareProblem(s: AcceptedShare): string | null {
  if (!s.address || !s.jobId) return "share without address or job id";
  if (typeof s.worker !== "string") return "share without worker";
  if (s.mode !== "pplns" && s.mode !== "solo") return `share with unknown mode ${String(s.mode)}`;
  if (!(s.difficulty > 0) || !Number.isFinite(s.difficulty)) return `share with invalid difficulty ${s.difficulty}`;
  if (typeof s.nonce !== "bigint" || s.nonce < 0n || s.nonce > U64_MAX) return "share nonce is not a u64";
  if (!Number.isFinite(s.timestamp)) return "share without timestamp";
  return null;
}

/** How long refused-share counts wait for a batch of shares to carry them before they are written alone. */
const REJECT_FLUSH_MS = 5_000;

export class ShareRecorder implements ShareSink {
  private readonly db: Database;
  private readonly spool: Spool;
  /**
   * Found blocks handed to the nodes, each appended (in its unanswered form) before the nodes answer; emptied once
   * none is left waiting for its final record. What a killed process left here is recorded at the next start.
   */
  private readonly atNode: Spool;
  /** Hashes of blocks in `atNode` whose final record is not durable yet. */
  private readonly unrecordedBlocks = new Set<string>();
  private readonly log: Logger;
  private readonly maxBatch: number;
  private readonly maxConcurrentWrites: number;
  private readonly retryMs: number;
  private readonly persistBlock: (block: FoundBlock) => Promise<unknown>;
  private readonly onBatch: ShareRecorderOptions["onBatch"];
  private pending: Pending[] = [];
  private kickQueued = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly writes = new Set<Promise<void>>();
  /** Names this process's shares: job ids restart with the process, so (job id, nonce) alone may repeat. */
  readonly run = randomBytes(6).toString("hex");
  private spooling = false;
  private nextRetryAt = 0;
  private stopped = false;
  private readonly mark = new ShareWatermark();
  private readonly rejects = new RejectTally();
  private rejectTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(opts: ShareRecorderOptions) {
    this.db = opts.db;
    this.spool = new Spool(opts.spoolPath, opts.log ?? silentLogger);
    this.atNode = new Spool(`${opts.spoolPath}.blocks`, opts.log ?? silentLogger);
    this.log = opts.log ?? silentLogger;
    this.maxBatch = opts.maxBatch ?? 5_000;
    this.maxConcurrentWrites = opts.maxConcurrentWrites ?? 4;
    this.retryMs = opts.retryMs ?? 5_000;
    this.persistBlock = opts.persistBlock;
    this.onBatch = opts.onBatch;
  }

  /** Starts a recorder, first replaying whatever a previous run left in the spool. */
  static async start(opts: ShareRecorderOptions): Promise<ShareRecorder> {
    const r = new ShareRecorder(opts);
    r.spooling = !r.spool.isEmpty;
    // Shares a previous run spooled were acknowledged: they hold the window watermark until replayed.
    if (r.spooling) for (const rec of r.spool.read()) if (rec.kind === "share") r.mark.add(shareKey(rec.share), rec.share.timestamp);
    if (r.spooling) await r.tryReplay();
    await r.recordBlocksLeftAtNode();
    return r;
  }

  /**
   * Blocks the last run handed to the nodes and may have died waiting on: recorded as unanswered, so they are
   * resubmitted and followed. After the spool's replay (or behind the spool's records, if the database is down), so
   * a block whose final record the last run made durable keeps that record: inserting a block never overwrites one.
   * Throws if they cannot be made durable, which stops the start; the file is kept for the next.
   */
  private async recordBlocksLeftAtNode(): Promise<void> {
    const blocks = this.atNode.read().flatMap((r) => (r.kind === "block" ? [r.block] : []));
    if (blocks.length === 0) return;
    this.log.info("recording the found blocks the last run had at the nodes; those it recorded already stay as they are", {
      blocks: blocks.length,
    });
    for (const b of blocks) this.unrecordedBlocks.add(b.hash);
    await Promise.all(blocks.map((b) => this.recordBlock(b)));
  }

  /** True while writes go to the spool because the database is unreachable. */
  get isSpooling(): boolean {
    return this.spooling;
  }

  /** Records not yet in the database: queued for a write, or waiting in the spool. */
  get backlog(): number {
    return this.pending.length + this.spool.length;
  }

  recordShare(share: AcceptedShare): Promise<void> {
    const problem = shareProblem(share);
    if (problem) return Promise.reject(new Error(problem));
    const stored = { ...share, run: this.run };
    this.mark.add(shareKey(stored), stored.timestamp);
    return this.enqueue({ kind: "share", share: stored }, false);
  }

  recordReject(reject: RejectedShare): void {
    if (this.stopped) return;
    this.rejects.add(reject);
    this.rejectTimer ??= setTimeout(() => this.rejectsDue(), REJECT_FLUSH_MS);
  }

  hold(timestamp: number): () => void {
    return this.mark.hold(timestamp);
  }

  /** Unix ms before which every share accepted (and held) so far is committed to the database (see watermark.ts). */
  watermark(): number {
    return this.mark.value();
  }

  /** Straight to the database: a limit lost to an outage is set again at the miner's next login. */
  recordPayoutLimit(address: string, sompi: bigint): Promise<void> {
    return setPayoutThreshold(this.db, address, sompi);
  }

  recordBlock(block: FoundBlock): Promise<void> {
    if (!/^[0-9a-fA-F]{64}$/.test(block.hash)) return Promise.reject(new Error("block hash is not 32-byte hex"));
    return this.enqueue({ kind: "block", block }, true);
  }

  /** Written before it returns (no fsync: the block waits to be sent); the returned call fsyncs it. */
  blockAtNode(block: FoundBlock): () => void {
    const lost = (err: unknown) =>
      this.log.error("found block not kept for a restart: if the pool dies before a node answers, its record is lost", {
        hash: block.hash, error: err instanceof Error ? err.message : String(err),
      });
    try {
      this.atNode.write([{ kind: "block", block }]);
      this.unrecordedBlocks.add(block.hash);
    } catch (err) {
      lost(err);
      return () => {};
    }
    return () => {
      try {
        this.atNode.sync();
      } catch (err) {
        lost(err);
      }
    };
  }

  /** A block's final record is durable; once no kept block waits for one, the file of blocks at the node is done with. */
  private blockRecorded(hash: string): void {
    if (!this.unrecordedBlocks.delete(hash) || this.unrecordedBlocks.size > 0) return;
    try {
      this.atNode.clear();
    } catch (err) {
      this.log.warn("could not empty the file of blocks at the node; the next start finds them recorded already", {
        spool: this.atNode.path, error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Resolves once everything recorded so far is durable. */
  async flush(): Promise<void> {
    for (;;) {
      this.kick();
      if (this.writes.size === 0) break;
      await Promise.all(this.writes);
    }
    await this.writeRejectsAlone();
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.rejectTimer) clearTimeout(this.rejectTimer);
    this.retryTimer = this.rejectTimer = null;
    this.spool.close();
    this.atNode.close();
  }

  private enqueue(record: SpoolRecord, urgent: boolean): Promise<void> {
    if (this.stopped) return Promise.reject(new Error("share recorder is stopped"));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject } as Pending);
      if (urgent || this.pending.length >= this.maxBatch) this.kick();
      else if (!this.kickQueued) {
        // Group commit without a timer: whatever arrives in this turn of the event loop, or while every write
        // slot is busy, goes out together in the next write.
        this.kickQueued = true;
        queueMicrotask(() => {
          this.kickQueued = false;
          this.kick();
        });
      }
    });
  }

  /** Starts writes while there is work and a free slot (one slot while spooling, so a replay runs alone). */
  private kick(): void {
    const slots = this.spooling ? 1 : this.maxConcurrentWrites;
    while (this.pending.length && this.writes.size < slots) {
      const batch = this.takeBatch();
      const w: Promise<void> = this.writeBatch(batch).finally(() => {
        this.writes.delete(w);
        this.kick();
      });
      this.writes.add(w);
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      const started = performance.now();
      await this.write(batch.map((p) => p.record));
      this.onBatch?.(batch.length, (performance.now() - started) / 1000);
      for (const p of batch) {
        if (p.record.kind === "block") this.blockRecorded(p.record.block.hash);
        p.resolve();
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.log.error("could not make shares durable", { count: batch.length, error: e.message });
      for (const p of batch) {
        // Refused to the miner, so owed to nobody: it must not hold the window watermark for ever.
        if (p.record.kind === "share") this.mark.settled(shareKey(p.record.share));
        p.reject(e);
      }
    }
  }

  /** Up to maxBatch shares, or a single block. */
  private takeBatch(): Pending[] {
    if (this.pending[0].record.kind === "block") return this.pending.splice(0, 1);
    let n = 0;
    while (n < this.pending.length && n < this.maxBatch && this.pending[n].record.kind === "share") n++;
    return this.pending.splice(0, n);
  }

  private async write(records: SpoolRecord[]): Promise<void> {
    if (this.spooling && Date.now() >= this.nextRetryAt) await this.tryReplay();
    if (!this.spooling) {
      try {
        await this.writeToDatabase(records);
        return;
      } catch (err) {
        this.spooling = true;
        this.scheduleRetry();
        this.log.warn("database write failed; spooling shares to disk", {
          spool: this.spool.path, error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    this.spool.append(records);
  }

  private async writeToDatabase(records: readonly SpoolRecord[]): Promise<void> {
    let shares: StoredShare[] = [];
    const flushShares = async () => {
      for (let i = 0; i < shares.length; i += this.maxBatch) {
        const chunk = shares.slice(i, i + this.maxBatch);
        await this.insertWithRejects(chunk);
        for (const s of chunk) this.mark.settled(shareKey(s));
      }
      shares = [];
    };
    for (const r of records) {
      if (r.kind === "share") {
        shares.push(r.share);
      } else {
        await flushShares();
        await this.persistBlock(r.block);
      }
    }
    await flushShares();
  }

  /**
   * Shares, then the refused-share counts since the last batch in a statement of their own: in one transaction the
   * two upserts could lock history rows in two orders against a concurrent batch and deadlock, and statistics must
   * never make a batch of shares fail over to the spool.
   */
  private async insertWithRejects(chunk: StoredShare[]): Promise<void> {
    await insertShares(this.db, chunk);
    await this.writeRejectsAlone();
  }

  /** The timer: a batch about to be written carries the counts; otherwise (only refusals) they go alone. */
  private rejectsDue(): void {
    this.rejectTimer = null;
    if (this.stopped) return;
    if (this.pending.length || this.writes.size || this.spooling) {
      this.rejectTimer = setTimeout(() => this.rejectsDue(), REJECT_FLUSH_MS);
      return;
    }
    void this.writeRejectsAlone();
  }

  private async writeRejectsAlone(): Promise<void> {
    if (this.spooling || this.rejects.size === 0) return;
    const rejects = this.rejects.take();
    try {
      await addRejects(this.db, rejects);
    } catch (err) {
      this.rejects.restore(rejects);
      this.log.warn("refused-share counts not written; kept for the next batch", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  // An idle pool sends no shares to trigger a replay, so a timer retries too.
  private scheduleRetry(): void {
    this.nextRetryAt = Date.now() + this.retryMs;
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.spooling || this.stopped) return;
      if (this.writes.size) return this.scheduleRetry();
      const w: Promise<void> = this.tryReplay().finally(() => {
        this.writes.delete(w);
        this.kick();
      });
      this.writes.add(w);
    }, this.retryMs);
  }

  /**
   * Moves the spool into the database; inserts are idempotent, so a crash mid-replay only repeats work. Never
   * rejects: it also runs from the retry timer, where nobody waits for it.
   */
  private async tryReplay(): Promise<void> {
    try {
      const records = this.spool.read();
      await this.writeToDatabase(records);
      this.spool.clear();
      this.spooling = false;
      if (records.length) this.log.info("spool replayed into the database", { records: records.length });
    } catch (err) {
      this.scheduleRetry();
      this.log.warn("spool replay failed; will retry", { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
