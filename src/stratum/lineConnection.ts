// What every miner connection does alike, whether the pool serves it (connection.ts) or the proxy relays for it
// (src/proxy/downstream.ts): line framing, request dispatch, the miner's dialect, the share difficulty, throttled
// job pushes with the job history shares are checked against, the ban ratio, the handshake and idle timeouts, and
// the closed-once lifecycle.
// Sockets stay outside (socketOutput.ts); a connection sees a Transport.

import type { Logger } from "../common/log.ts";
import type { Config, StratumPortConfig } from "../config/types.ts";
import { ShareRatio } from "./bans.ts";
import { ConnectionDifficulty } from "./difficulty.ts";
import { errors, StratumError } from "./errors.ts";
import { HashrateMeter } from "./hashrate.ts";
import { JobHistory } from "./jobHistory.ts";
import { classifyMiner, type MinerType } from "./minerType.ts";
import { notifyLine, type NotifyJob } from "./notifyLines.ts";
import { errorLine, MalformedRequest, notificationLine, parseRequest, resultLine, type RequestId, type StratumRequest } from "./protocol.ts";
import { HASHRATE_WINDOW_SECONDS } from "./stats.ts";

export interface Transport {
  write(text: string): void;
  close(): void;
}

/** What a connection needs of its listener, whoever serves it. */
export interface LineContext {
  config: Config;
  port: StratumPortConfig;
  log: Logger;
  /** A connection whose invalid-share ratio earned a ban (stratum.ban) reports its address here. */
  onBanned(ip: string): void;
}

const MAX_USER_AGENT = 128;
const NEWLINE = 0x0a;
const lineDecoder = new TextDecoder();

export abstract class LineConnection<C extends LineContext, J extends NotifyJob> {
  private partial: Uint8Array | null = null;
  protected closed = false;
  private lastActivity: number;
  protected readonly connectedAt: number;

  protected miner: MinerType;
  userAgent = "";
  protected readonly history: JobHistory;
  protected readonly difficulty: ConnectionDifficulty;
  readonly meter: HashrateMeter;
  private readonly ratio: ShareRatio;

  private lastJobSentAt = 0;
  /** The newest job waiting behind the throttle. */
  protected pendingJob: J | null = null;
  private throttleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(protected readonly ctx: C, private readonly transport: Transport, readonly remoteAddress: string, now: number) {
    this.lastActivity = now;
    this.connectedAt = now;
    this.miner = classifyMiner("", ctx.port.encoding);
    this.history = new JobHistory(ctx.config.stratum.templates.cacheSize);
    this.difficulty = new ConnectionDifficulty(ctx.port, now);
    this.meter = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
    this.ratio = new ShareRatio(ctx.config.stratum.ban);
  }

  // ---- what each kind of connection answers ----

  protected abstract subscribe(req: StratumRequest): void;
  protected abstract authorize(req: StratumRequest): void;
  protected abstract submit(req: StratumRequest): Promise<void>;
  /** The difficulty no share of `job` is asked above: the network's on the pool, the upstream's on the proxy. */
  protected abstract ceiling(job: J): number;
  /** Whether the miner has authorized: until then the handshake timeout runs. */
  protected abstract get loggedIn(): boolean;
  /** Frees what the connection holds, once, when it closes. */
  protected abstract releaseHeld(): void;
  /** Said just before a connection that did not authorize in time is closed. */
  protected handshakeExpired(): void {}

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

  /** Any throw that is not a StratumError is our bug: log it, answer a plain code 20, keep the connection. */
  private internalError(id: RequestId, err: unknown): void {
    if (err instanceof StratumError) return this.send(errorLine(id, err));
    this.ctx.log.error("stratum handler failed", { remote: this.remoteAddress, error: (err as Error)?.message ?? String(err) });
    this.send(errorLine(id, errors.other("Internal error")));
  }

  /** A bad share, or a garbage line: it costs as much as a bad share, so it weighs the same toward a ban. */
  protected countInvalid(): void {
    if (this.ratio.record(false)) this.ctx.onBanned(this.remoteAddress);
  }

  protected countValid(): void {
    if (this.ratio.record(true)) this.ctx.onBanned(this.remoteAddress);
  }

  /** The first subscribe's user agent names the miner's dialect. */
  protected identify(agent: unknown): void {
    this.userAgent = typeof agent === "string" ? agent.slice(0, MAX_USER_AGENT) : "";
    this.miner = classifyMiner(this.userAgent, this.ctx.port.encoding);
  }

  // ---- jobs ----

  /** The newest job wins: one waiting behind the throttle is replaced, never queued. */
  offerJob(job: J): void {
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

  /** The job's line, after any difficulty change, which is remembered with the job for the shares on it. */
  protected sendJob(job: J): void {
    const now = Date.now();
    const changed = this.difficulty.forJob(this.ceiling(job), now);
    if (changed !== null) this.notify("mining.set_difficulty", [changed]);
    this.history.add(job.id, this.difficulty.current);
    this.lastJobSentAt = now;
    this.send(notifyLine(this.miner, job));
  }

  // ---- timers ----

  /** Called about once a second by the listener: handshake and idle timeouts, then vardiff. */
  tick(now: number): void {
    if (this.closed) return;
    const { handshakeTimeoutSeconds, idleTimeoutSeconds } = this.ctx.config.stratum;
    // A socket that never logs in holds a per-IP slot and a buffer; talking does not buy it more time.
    if (!this.loggedIn && now - this.connectedAt > handshakeTimeoutSeconds * 1000) {
      this.ctx.log.debug("closing connection that did not authorize in time", { remote: this.remoteAddress });
      this.handshakeExpired();
      return this.close();
    }
    if (now - this.lastActivity > idleTimeoutSeconds * 1000) {
      this.ctx.log.debug("closing idle connection", { remote: this.remoteAddress });
      return this.close();
    }
    this.difficulty.tick(now);
  }

  // ---- output and teardown ----

  protected notify(method: string, params: unknown[]): void {
    this.send(notificationLine(this.miner, method, params));
  }

  protected send(line: string): void {
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
    this.releaseHeld();
  }
}
