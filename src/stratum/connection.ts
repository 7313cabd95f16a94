// One miner connection: line framing, the subscribe → authorize → jobs → submit conversation, per-connection
// difficulty, throttled job pushes. Sockets stay outside (server.ts); this class sees a Transport.

import type { Logger } from "../common/log.ts";
import type { Config, StratumPortConfig } from "../config/types.ts";
import { blockHash } from "../kaspa/header.ts";
import type { NodeClient } from "../node/client.ts";
import type { AcceptedShare, FoundBlock, ShareSink } from "../shares/types.ts";
import type { TemplateFollower, TemplateHub } from "../templates/index.ts";
import type { Job } from "../templates/job.ts";
import { ShareRatio } from "./bans.ts";
import { errors, rejectReason, StratumError } from "./errors.ts";
import type { ExtranonceAllocator } from "./extranonce.ts";
import { HashrateMeter } from "./hashrate.ts";
import { JobHistory } from "./jobHistory.ts";
import { notifyLine } from "./notifyLines.ts";
import { parseLogin, requestedDifficulty, type Login } from "./login.ts";
import { classifyMiner, type MinerType } from "./minerType.ts";
import {
  errorLine, MalformedRequest, notificationLine, parseRequest, resultLine, setExtranonceParams,
  subscribeResult, type RequestId, type StratumRequest,
} from "./protocol.ts";
import { validateShare, type ShareContext, type ValidShare } from "./shareValidator.ts";
import { HASHRATE_WINDOW_SECONDS, type StatsCounters } from "./stats.ts";
import { snapStartDifficulty, VardiffWindow } from "./vardiff.ts";

export interface Transport {
  write(text: string): void;
  close(): void;
}

/** What every connection of one listener shares. */
export interface ConnectionContext {
  config: Config;
  port: StratumPortConfig;
  node: Pick<NodeClient, "submitBlock">;
  sink: ShareSink;
  hub: TemplateHub;
  extranonces: ExtranonceAllocator;
  stats: StatsCounters;
  log: Logger;
  /** A connection whose invalid-share ratio earned a ban reports itself here. */
  onBanned(connection: StratumConnection): void;
}

const MAX_USER_AGENT = 128;
const NEWLINE = 0x0a;
const lineDecoder = new TextDecoder();

export class StratumConnection {
  private partial: Uint8Array | null = null;
  private closed = false;
  private lastActivity: number;

  private miner: MinerType;
  private userAgent = "";
  private extranonce: string | null = null;
  private login: Login | null = null;
  private follower: TemplateFollower | null = null;
  private stopJobs: (() => void) | null = null;

  private difficulty = 0;
  private pendingDifficulty: number | null = null;
  private readonly history: JobHistory;
  private vardiff: VardiffWindow | null = null;
  private lastVardiffCheck: number;
  private powerOfTwo = false;

  private lastJobSentAt = 0;
  private pendingJob: Job | null = null;
  private throttleTimer: ReturnType<typeof setTimeout> | null = null;

  /** Kept in step with login and extranonce, so a share allocates no context. */
  private readonly shareContext: ShareContext;
  readonly meter: HashrateMeter;
  private readonly ratio: ShareRatio;
  accepted = 0;
  rejected = 0;

  constructor(private readonly ctx: ConnectionContext, private readonly transport: Transport, readonly remoteAddress: string, now: number) {
    this.lastActivity = now;
    this.lastVardiffCheck = now;
    this.miner = classifyMiner("", ctx.port.encoding);
    this.history = new JobHistory(ctx.config.stratum.templates.cacheSize);
    this.shareContext = { authorized: false, extranonce: "", history: this.history, lookup: (id) => this.follower?.job(id) };
    this.meter = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
    this.ratio = new ShareRatio(ctx.config.stratum.ban);
  }

  get worker(): (Login & { difficulty: number; mode: StratumPortConfig["mode"] }) | null {
    return this.login && { ...this.login, difficulty: this.difficulty, mode: this.ctx.port.mode };
  }

  // ---- framing ----

  /**
   * Lines are cut from the bytes and only whole lines are decoded, with one decoder for every connection: a
   * TextDecoder per connection cost ~0.9 KB of the idle footprint. A line split across reads waits in `partial`.
   */
  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    const max = this.ctx.config.stratum.maxLineBytes;
    let data = chunk;
    if (this.partial) {
      data = new Uint8Array(this.partial.length + chunk.length);
      data.set(this.partial);
      data.set(chunk, this.partial.length);
      this.partial = null;
    }
    let start = 0;
    let nl: number;
    while ((nl = data.indexOf(NEWLINE, start)) >= 0) {
      const line = lineDecoder.decode(data.subarray(start, nl)).trim();
      const rawBytes = nl - start;
      start = nl + 1;
      if (rawBytes > max && Buffer.byteLength(line) > max) return this.refuseLongLine();
      if (line) this.handleLine(line);
      if (this.closed) return;
    }
    if (start === data.length) return;
    if (data.length - start > max) return this.refuseLongLine();
    // A copy: the read buffer is the runtime's and is reused.
    this.partial = new Uint8Array(data.subarray(start));
  }

  private refuseLongLine(): void {
    this.send(errorLine(null, errors.other("Line too long")));
    this.close();
  }

  // ---- dispatch ----

  handleLine(line: string): void {
    let req: StratumRequest;
    try {
      req = parseRequest(line);
    } catch (err) {
      const e = err instanceof MalformedRequest ? err : new MalformedRequest("Malformed request");
      this.send(errorLine(e.id, errors.other(e.message)));
      return;
    }
    try {
      switch (req.method) {
        case "mining.subscribe":
          return this.subscribe(req);
        case "mining.extranonce.subscribe":
          return this.send(resultLine(req.id, true));
        case "mining.authorize":
          return this.authorize(req);
        case "mining.submit":
          return void this.submit(req).catch((err) => this.internalError(req.id, err));
        default:
          return this.send(errorLine(req.id, errors.other(`Unknown method ${req.method.slice(0, 64)}`)));
      }
    } catch (err) {
      this.internalError(req.id, err);
    }
  }

  /** Any throw that is not a StratumError is our bug: log it, answer a plain code 20, keep the connection. */
  private internalError(id: RequestId, err: unknown): void {
    if (err instanceof StratumError) return this.send(errorLine(id, err));
    this.ctx.log.error("stratum handler failed", { remote: this.remoteAddress, error: (err as Error)?.message ?? String(err) });
    this.send(errorLine(id, errors.other("Internal error")));
  }

  // ---- subscribe / authorize ----

  private subscribe(req: StratumRequest): void {
    const ua = typeof req.params[0] === "string" ? req.params[0].slice(0, MAX_USER_AGENT) : "";
    if (this.extranonce === null) {
      this.userAgent = ua;
      this.miner = classifyMiner(ua, this.ctx.port.encoding);
      if (!this.assignExtranonce()) return;
    }
    this.send(resultLine(req.id, subscribeResult(this.miner, this.extranonce!)));
  }

  private assignExtranonce(): boolean {
    const extranonce = this.miner.bitmain ? "" : this.ctx.extranonces.allocate();
    if (extranonce === null) {
      this.send(errorLine(null, errors.other("Pool is full")));
      this.close();
      return false;
    }
    this.extranonce = extranonce;
    this.shareContext.extranonce = extranonce;
    return true;
  }

  private authorize(req: StratumRequest): void {
    const login = parseLogin(req.params[0], this.ctx.config.network);
    if (this.login) {
      if (login.address !== this.login.address) throw errors.other("This connection is already authorized for another address");
      return this.send(resultLine(req.id, true));
    }
    if (this.extranonce === null && !this.assignExtranonce()) return;
    this.login = login;
    this.shareContext.authorized = true;
    this.difficulty = this.startDifficulty(req.params[1]);
    const payAddress = this.ctx.port.mode === "solo" ? login.address : this.ctx.config.treasury.address;
    this.follower = this.ctx.hub.acquire(payAddress);
    this.vardiff = this.ctx.port.vardiff ? new VardiffWindow(Date.now()) : null;

    // IceRiver needs exactly this order: reply, extranonce, difficulty, job (spec §3.1).
    this.send(resultLine(req.id, true));
    if (this.extranonce) this.notify("mining.set_extranonce", setExtranonceParams(this.miner, this.extranonce));
    this.notify("mining.set_difficulty", [this.difficulty]);
    this.stopJobs = this.follower.onJob((job) => this.offerJob(job));
    const latest = this.follower.latest;
    if (latest) this.sendJob(latest);
    this.ctx.log.debug("miner authorized", { remote: this.remoteAddress, agent: this.userAgent, address: login.address, worker: login.worker });
  }

  private startDifficulty(password: unknown): number {
    const { port } = this.ctx;
    if (!port.vardiff) return port.difficulty;
    this.powerOfTwo = port.vardiff.powerOfTwo === "auto" ? this.miner.asic : port.vardiff.powerOfTwo;
    const wanted = requestedDifficulty(password) ?? port.difficulty;
    return snapStartDifficulty(wanted, this.powerOfTwo, port.vardiff.minDifficulty, port.vardiff.maxDifficulty);
  }

  // ---- jobs ----

  /** The newest job wins: one waiting behind the throttle is replaced, never queued. */
  private offerJob(job: Job): void {
    if (this.closed) return;
    const wait = this.lastJobSentAt + this.ctx.config.stratum.jobThrottleMs - Date.now();
    if (wait <= 0 && !this.throttleTimer) return this.sendJob(job);
    this.pendingJob = job;
    this.throttleTimer ??= setTimeout(() => {
      this.throttleTimer = null;
      const next = this.pendingJob;
      this.pendingJob = null;
      if (next && !this.closed) this.sendJob(next);
    }, Math.max(wait, 0));
  }

  private sendJob(job: Job): void {
    const now = Date.now();
    if (this.pendingDifficulty !== null) {
      this.difficulty = this.pendingDifficulty;
      this.pendingDifficulty = null;
      this.vardiff?.restart(now);
      this.notify("mining.set_difficulty", [this.difficulty]);
    }
    this.history.add(job.id, this.difficulty);
    this.lastJobSentAt = now;
    this.send(notifyLine(this.miner, job));
  }

  // ---- shares ----

  private async submit(req: StratumRequest): Promise<void> {
    const now = Date.now();
    let share: ValidShare;
    try {
      share = validateShare(this.shareContext, req.params);
    } catch (err) {
      if (!(err instanceof StratumError)) throw err;
      this.rejected++;
      this.ctx.stats.shareRejected(rejectReason(err.code));
      this.send(errorLine(req.id, err));
      if (this.ratio.record(false)) this.ctx.onBanned(this);
      return;
    }
    const login = this.login!;
    // Taken in the same turn as `now`: until recordShare has the share, no PPLNS window it belongs in is cut.
    const release = this.ctx.sink.hold(now);
    let recorded: Promise<void>;
    try {
      // The block goes to the node before anything that could be slow or fail (peers.md bug 4).
      const block = share.isBlock ? await this.submitBlock(share, login, now) : null;
      const accepted: AcceptedShare = {
        address: login.address, worker: login.worker, mode: this.ctx.port.mode, difficulty: share.sent.difficulty,
        jobId: share.job.id, nonce: share.nonce, timestamp: now,
      };
      if (block) {
        this.ctx.sink.recordBlock(block).catch((err) =>
          this.ctx.log.error("found block not recorded", { hash: block.hash, error: (err as Error).message }),
        );
      }
      recorded = this.ctx.sink.recordShare(accepted);
    } finally {
      release();
    }
    try {
      await recorded;
    } catch (err) {
      // Not durable, so not accepted: free the nonce so the miner's retry is not called a duplicate.
      share.job.submitted.delete(share.nonce);
      this.ctx.log.error("share not recorded", { error: (err as Error).message });
      this.send(errorLine(req.id, errors.other("Share not recorded, please resubmit")));
      return;
    }
    const done = Date.now();
    this.accepted++;
    this.meter.add(share.sent.difficulty, done);
    this.ctx.stats.shareAccepted(share.sent.difficulty, done);
    this.vardiff?.recordShare();
    this.send(resultLine(req.id, true));
    if (this.ratio.record(true)) this.ctx.onBanned(this);
  }

  private async submitBlock(share: ValidShare, login: Login, now: number): Promise<FoundBlock> {
    const { job, nonce } = share;
    let accepted = false;
    let rejectReason: string | null;
    try {
      ({ accepted, rejectReason } = await this.ctx.node.submitBlock(job.template, nonce));
    } catch (err) {
      rejectReason = `submit failed: ${(err as Error).message}`;
    }
    const hash = blockHash({ ...job.header, nonce });
    this.ctx.stats.blockFound(accepted);
    const worker = `${login.address}.${login.worker}`;
    if (accepted) this.ctx.log.info("block found", { hash, worker });
    else this.ctx.log.warn("block rejected by node", { hash, worker, reason: rejectReason ?? "unknown" });
    return {
      hash, address: login.address, worker: login.worker, mode: this.ctx.port.mode, daaScore: job.header.daaScore,
      networkDifficulty: job.networkDifficulty, accepted, rejectReason, foundAt: now,
    };
  }

  // ---- timers ----

  /** Called about once a second by the server: idle timeout and vardiff. */
  tick(now: number): void {
    if (this.closed) return;
    if (now - this.lastActivity > this.ctx.config.stratum.idleTimeoutSeconds * 1000) {
      this.ctx.log.debug("closing idle connection", { remote: this.remoteAddress });
      return this.close();
    }
    const vd = this.ctx.port.vardiff;
    if (!vd || !this.vardiff || now - this.lastVardiffCheck < vd.intervalSeconds * 1000) return;
    this.lastVardiffCheck = now;
    const next = this.vardiff.check(now, {
      difficulty: this.pendingDifficulty ?? this.difficulty,
      targetSharesPerMinute: vd.targetSharesPerMinute,
      minDifficulty: vd.minDifficulty,
      maxDifficulty: vd.maxDifficulty,
      powerOfTwo: this.powerOfTwo,
    });
    // Applies from the next job on; jobs already sent keep the difficulty they were sent with.
    if (next !== null) this.pendingDifficulty = next;
  }

  // ---- output and teardown ----

  private notify(method: string, params: unknown[]): void {
    this.send(notificationLine(this.miner, method, params));
  }

  private send(line: string): void {
    if (!this.closed) this.transport.write(line);
  }

  close(): void {
    if (this.closed) return;
    this.transport.close();
    this.release();
  }

  /** Frees what the connection holds; safe to call more than once. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.throttleTimer) clearTimeout(this.throttleTimer);
    this.throttleTimer = null;
    this.stopJobs?.();
    if (this.follower) this.ctx.hub.release(this.follower.payAddress);
    this.follower = null;
    if (this.extranonce) this.ctx.extranonces.release(this.extranonce);
  }
}
