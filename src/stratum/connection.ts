// One miner connection: line framing, the subscribe → authorize → jobs → submit conversation, per-connection
// difficulty, throttled job pushes. Sockets stay outside (server.ts); this class sees a Transport.

import { stringifyJson } from "../common/json.ts";
import type { Logger } from "../common/log.ts";
import type { Config, StratumPortConfig } from "../config/types.ts";
import { blockHash } from "../kaspa/header.ts";
import type { BlockSubmitter } from "../node/blockSubmitter.ts";
import { withNonce } from "../node/template.ts";
import type { AcceptedShare, FoundBlock, ShareSink } from "../shares/types.ts";
import type { TemplateFollower, TemplateHub } from "../templates/index.ts";
import type { Job } from "../templates/job.ts";
import { ShareRatio } from "./bans.ts";
import { errors, rejectReason, StratumError, type RejectReason } from "./errors.ts";
import type { ExtranonceAllocator } from "./extranonce.ts";
import { HashrateMeter } from "./hashrate.ts";
import { JobHistory } from "./jobHistory.ts";
import { notifyLine } from "./notifyLines.ts";
import { parseLogin, requestedDifficulty, requestedPayoutLimit, type Login } from "./login.ts";
import { classifyMiner, type MinerType } from "./minerType.ts";
import {
  errorLine, MalformedRequest, notificationLine, parseRequest, resultLine, setExtranonceParams,
  subscribeResult, type RequestId, type StratumRequest,
} from "./protocol.ts";
import { ShareRateCap } from "./shareRate.ts";
import { validateShare, type ShareContext, type ValidShare } from "./shareValidator.ts";
import type { ObservedReject, StratumObserver } from "./observer.ts";
import { HASHRATE_WINDOW_SECONDS, type StatsCounters } from "./stats.ts";
import { clampToNetwork, snapStartDifficulty, VardiffWindow } from "./vardiff.ts";

export interface Transport {
  write(text: string): void;
  close(): void;
}

/** What every connection of one listener shares. */
export interface ConnectionContext {
  config: Config;
  port: StratumPortConfig;
  submitter: Pick<BlockSubmitter, "submit">;
  sink: ShareSink;
  hub: TemplateHub;
  extranonces: ExtranonceAllocator;
  stats: StatsCounters;
  observer: StratumObserver;
  /** The bound port as metrics label it (a configured port 0 becomes the OS's choice). */
  portLabel: string;
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
  private readonly connectedAt: number;

  private miner: MinerType;
  private userAgent = "";
  private extranonce: string | null = null;
  private login: Login | null = null;
  private follower: TemplateFollower | null = null;
  private stopJobs: (() => void) | null = null;

  /** In force: what the miner was last told, never above the network difficulty of the last job sent. */
  private difficulty = 0;
  /** What the port, `d=` or vardiff asks for before the clamp to the network difficulty. */
  private wantedDifficulty = 0;
  private pendingDifficulty: number | null = null;
  private readonly history: JobHistory;
  private vardiff: VardiffWindow | null = null;
  private lastVardiffCheck: number;
  private powerOfTwo = false;

  private lastJobSentAt = 0;
  private pendingJob: Job | null = null;
  private throttleTimer: ReturnType<typeof setTimeout> | null = null;

  /** Kept in step with login, extranonce and miner type, so a share allocates no context. */
  private readonly shareContext: ShareContext;
  readonly meter: HashrateMeter;
  private readonly ratio: ShareRatio;
  private readonly rateCap: ShareRateCap;
  accepted = 0;
  rejected = 0;

  constructor(private readonly ctx: ConnectionContext, private readonly transport: Transport, readonly remoteAddress: string, now: number) {
    this.lastActivity = now;
    this.connectedAt = now;
    this.lastVardiffCheck = now;
    this.miner = classifyMiner("", ctx.port.encoding);
    this.history = new JobHistory(ctx.config.stratum.templates.cacheSize);
    this.shareContext = {
      authorized: false, extranonce: "", searchJobs: false, history: this.history, lookup: (id) => this.follower?.job(id),
    };
    this.meter = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
    this.ratio = new ShareRatio(ctx.config.stratum.ban);
    const { windowSeconds, overTarget } = ctx.config.stratum.shareRateCap;
    this.rateCap = new ShareRateCap(windowSeconds, overTarget, now);
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
      return this.countInvalid();
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
          this.send(errorLine(req.id, errors.other(`Unknown method ${req.method.slice(0, 64)}`)));
          return this.countInvalid();
      }
    } catch (err) {
      this.internalError(req.id, err);
    }
  }

  /** A garbage line costs the pool as much as a bad share, so it weighs the same toward a ban. */
  private countInvalid(): void {
    if (this.ratio.record(false)) this.ctx.onBanned(this);
  }

  /** Any throw that is not a StratumError is our bug: log it, answer a plain code 20, keep the connection. */
  private internalError(id: RequestId, err: unknown): void {
    if (err instanceof StratumError) return this.send(errorLine(id, err));
    this.ctx.log.error("stratum handler failed", { remote: this.remoteAddress, error: (err as Error)?.message ?? String(err) });
    this.send(errorLine(id, errors.other("Internal error")));
  }

  // ---- subscribe / authorize ----

  /**
   * The extranonce waits for authorize, so sockets that never log in cannot use the space up. Only Bitmain's
   * subscribe result carries one (spec §3.2), and Bitmain always gets "" here (rusty bridge), so no reply changes.
   */
  private subscribe(req: StratumRequest): void {
    if (this.extranonce === null) {
      this.userAgent = typeof req.params[0] === "string" ? req.params[0].slice(0, MAX_USER_AGENT) : "";
      this.miner = classifyMiner(this.userAgent, this.ctx.port.encoding);
      this.shareContext.searchJobs = this.miner.reportsWrongJobIds;
    }
    this.send(resultLine(req.id, subscribeResult(this.miner, this.extranonce ?? "")));
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
    const payAddress = this.ctx.port.mode === "solo" ? login.address : this.ctx.config.treasury.address;
    this.follower = this.ctx.hub.acquire(payAddress, this.ctx.port.mode === "solo");
    if (!this.follower) {
      this.send(errorLine(req.id, errors.other("Solo address limit reached, try again later")));
      return this.close();
    }
    this.login = login;
    this.shareContext.authorized = true;
    this.wantedDifficulty = this.startDifficulty(req.params[1]);
    const latest = this.follower.latest;
    // Clamped now, so the first job needs no second set_difficulty.
    this.difficulty = latest ? clampToNetwork(this.wantedDifficulty, latest.networkDifficulty, this.powerOfTwo) : this.wantedDifficulty;
    this.vardiff = this.ctx.port.vardiff ? new VardiffWindow(Date.now()) : null;

    // IceRiver needs exactly this order: reply, extranonce, difficulty, job (spec §3.1).
    this.send(resultLine(req.id, true));
    if (this.extranonce) this.notify("mining.set_extranonce", setExtranonceParams(this.miner, this.extranonce));
    this.notify("mining.set_difficulty", [this.difficulty]);
    this.stopJobs = this.follower.onJob((job) => this.offerJob(job));
    if (latest) this.sendJob(latest);
    const payoutLimit = requestedPayoutLimit(req.params[1]);
    if (payoutLimit !== null) {
      this.ctx.sink.recordPayoutLimit(login.address, payoutLimit).catch((err) =>
        this.ctx.log.warn("payout limit not saved; it is set again at the next login", { address: login.address, error: (err as Error).message }));
    }
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
      this.wantedDifficulty = this.pendingDifficulty;
      this.pendingDifficulty = null;
    }
    const difficulty = clampToNetwork(this.wantedDifficulty, job.networkDifficulty, this.powerOfTwo);
    if (difficulty !== this.difficulty) {
      this.difficulty = difficulty;
      this.vardiff?.restart(now);
      this.notify("mining.set_difficulty", [difficulty]);
    }
    this.history.add(job.id, this.difficulty);
    this.lastJobSentAt = now;
    this.send(notifyLine(this.miner, job));
  }

  // ---- shares ----

  private async submit(req: StratumRequest): Promise<void> {
    const now = Date.now();
    if (!this.capShareRate(now)) return;
    if (this.follower?.isStale()) return this.refuseStale(req.id);
    let share: ValidShare;
    const validating = performance.now();
    try {
      share = validateShare(this.shareContext, req.params);
    } catch (err) {
      if (!(err instanceof StratumError)) throw err;
      this.refused(rejectReason(err.code), now);
      this.send(errorLine(req.id, err));
      return this.countInvalid();
    }
    const validationSeconds = (performance.now() - validating) / 1000;
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
    this.ctx.observer.shareAccepted(this.ctx.portLabel, this.ctx.port.mode, login, share.sent.difficulty, validationSeconds, done);
    this.vardiff?.recordShare();
    this.send(resultLine(req.id, true));
    if (this.ratio.record(true)) this.ctx.onBanned(this);
  }

  /** Dead work during a node outage: refused, but not the miner's fault, so it never counts towards a ban. */
  private refuseStale(id: RequestId): void {
    this.refused("job-not-found", Date.now(), "stale");
    this.send(errorLine(id, errors.staleJob()));
  }

  /** Counts a refused share; a logged-in worker's also goes to its share history. */
  /** `observed` names the reason for metrics, which tell stale work apart from an unknown job. */
  private refused(reason: RejectReason, now: number, observed: ObservedReject = reason): void {
    this.rejected++;
    this.ctx.stats.shareRejected(reason);
    this.ctx.observer.shareRejected(this.ctx.portLabel, this.ctx.port.mode, this.login, observed, now);
    const login = this.login;
    if (login) this.ctx.sink.recordReject({ address: login.address, worker: login.worker, mode: this.ctx.port.mode, reason, timestamp: now });
  }

  /** False when the connection was closed for sending too many submits. */
  private capShareRate(now: number): boolean {
    const vd = this.ctx.port.vardiff;
    const cap = this.ctx.config.stratum.shareRateCap;
    const aim = vd ? vd.targetSharesPerMinute : cap.fixedSharesPerMinute / cap.overTarget;
    const verdict = this.rateCap.record(now, aim);
    if (verdict === null) return true;
    if (verdict === "close") {
      this.ctx.log.warn("closing connection above the share-rate cap", { remote: this.remoteAddress });
      this.close();
      return false;
    }
    const latest = this.follower?.latest;
    if (!latest) return true;
    const current = this.pendingDifficulty ?? this.difficulty;
    let next = current * verdict.raiseBy;
    if (this.powerOfTwo) next = 2 ** Math.ceil(Math.log2(next));
    if (vd) next = Math.min(next, vd.maxDifficulty);
    // Already at the port's maximum: nothing to raise; if the flood goes on, the next window closes it.
    if (next <= current) return true;
    this.ctx.log.info("share rate far above target, raising difficulty", { remote: this.remoteAddress, difficulty: next });
    // Told at once, with the newest job again so the miner need not wait for the next template to use it.
    this.pendingDifficulty = next;
    this.sendJob(latest);
    return true;
  }

  /** Waits for the nodes at most their request timeout; a block no node answered is recorded for resubmission. */
  private async submitBlock(share: ValidShare, login: Login, now: number): Promise<FoundBlock> {
    const { job, nonce } = share;
    const submitting = performance.now();
    const outcome = await this.ctx.submitter.submit(job.template, nonce);
    const hash = blockHash({ ...job.header, nonce });
    this.ctx.stats.blockFound(outcome.status);
    this.ctx.observer.blockFound(this.ctx.port.mode, outcome.status, (performance.now() - submitting) / 1000, login, now);
    const block: FoundBlock = {
      hash, address: login.address, worker: login.worker, mode: this.ctx.port.mode, daaScore: job.header.daaScore,
      networkDifficulty: job.networkDifficulty, accepted: outcome.status === "accepted",
      rejectReason: outcome.status === "rejected" ? outcome.reason : null, foundAt: now,
    };
    const worker = `${login.address}.${login.worker}`;
    if (outcome.status === "accepted") this.ctx.log.info("block found", { hash, worker });
    else if (outcome.status === "rejected") this.ctx.log.warn("block rejected by node", { hash, worker, reason: outcome.reason });
    else {
      this.ctx.log.warn("block found but no node answered its submission; it will be resubmitted", { hash, worker, error: outcome.error });
      block.pendingBlock = stringifyJson(withNonce(job.template, nonce));
    }
    return block;
  }

  // ---- timers ----

  /** Called about once a second by the server: handshake and idle timeouts, vardiff. */
  tick(now: number): void {
    if (this.closed) return;
    // A socket that never logs in holds a per-IP slot and a buffer; talking does not buy it more time.
    if (!this.login && now - this.connectedAt > this.ctx.config.stratum.handshakeTimeoutSeconds * 1000) {
      this.ctx.log.debug("closing connection that did not authorize in time", { remote: this.remoteAddress });
      return this.close();
    }
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
