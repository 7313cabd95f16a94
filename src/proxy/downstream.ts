// One local miner behind the proxy: the pool side of the stratum conversation (the same messages, dialects
// and order as src/stratum), with jobs relayed from the upstream and shares answered from the upstream's verdict.
// Until an upstream is ready the miner's requests wait, so a Bitmain subscribe result can carry its extranonce.

import type { Logger } from "../common/log.ts";
import type { Config, StratumPortConfig } from "../config/types.ts";
import { errors, rejectReason, StratumError, StratumErrorCode, type RejectReason } from "../stratum/errors.ts";
import { HashrateMeter } from "../stratum/hashrate.ts";
import { JobHistory } from "../stratum/jobHistory.ts";
import { sanitizeWorker } from "../stratum/login.ts";
import { classifyMiner, type MinerType } from "../stratum/minerType.ts";
import { notifyLine } from "../stratum/notifyLines.ts";
import {
  errorLine, MalformedRequest, notificationLine, parseRequest, resultLine, setExtranonceParams, subscribeResult,
  type RequestId, type StratumRequest,
} from "../stratum/protocol.ts";
import { HASHRATE_WINDOW_SECONDS } from "../stratum/stats.ts";
import type { ProxyJob } from "./jobs.ts";
import { LocalDifficulty } from "./localDifficulty.ts";
import { NonceSpace } from "./nonceSpace.ts";
import { checkShare, type ShareCheckContext } from "./shareCheck.ts";
import type { Verdict } from "./upstream.ts";

export interface ProxyHub {
  config: Config;
  log: Logger;
  nonces: NonceSpace;
  /** The job miners get now, or null while no upstream is ready. */
  current(): ProxyJob | null;
  lookup(id: string): ProxyJob | undefined;
  forward(job: ProxyJob, nonce: bigint): Promise<Verdict>;
}

export interface Transport {
  write(text: string): void;
  close(): void;
}

const MAX_WAITING_LINES = 16;
const noNonceSpace = () => errors.other("Upstream extranonce leaves no nonce space for this miner");

export class MinerConnection {
  miner: MinerType;
  agent = "";
  worker: string | null = null;
  private local: string | null = null;
  private extranonce = "";
  private waiting: string[] | null = [];
  private closed = false;
  private readonly difficulty: LocalDifficulty;
  private readonly history: JobHistory;
  private readonly shareCtx: ShareCheckContext;
  private lastJobSentAt = 0;
  private lastJob: ProxyJob | null = null;
  private pendingJob: ProxyJob | null = null;
  private throttle: ReturnType<typeof setTimeout> | null = null;
  readonly connectedAt: number;
  readonly meter: HashrateMeter;
  readonly counts = { accepted: 0, forwarded: 0, upstreamAccepted: 0, rejected: {} as Partial<Record<RejectReason | "upstream", number>> };
  lastShareAt: number | null = null;
  spacingTotalMs = 0;

  constructor(private readonly hub: ProxyHub, private readonly port: StratumPortConfig, private readonly transport: Transport, readonly remote: string, now: number) {
    this.connectedAt = now;
    this.difficulty = new LocalDifficulty(port, now);
    this.miner = classifyMiner("", port.encoding);
    this.history = new JobHistory(hub.config.stratum.templates.cacheSize);
    this.shareCtx = { history: this.history, lookup: (id) => hub.lookup(id), local: "", searchJobs: false };
    this.meter = new HashrateMeter(HASHRATE_WINDOW_SECONDS, now);
  }

  get currentDifficulty(): number {
    return this.difficulty.current;
  }

  /** Whole lines only; a line over stratum.maxLineBytes closes the connection. */
  private buffer = "";
  private lastActivity = Date.now();
  onData(text: string): void {
    this.lastActivity = Date.now();
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0 && !this.closed) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.handleLine(line);
    }
    if (this.buffer.length > this.hub.config.stratum.maxLineBytes) {
      this.send(errorLine(null, errors.other("Line too long")));
      this.close();
    }
  }

  /** An upstream is ready: requests that waited for it are answered now, in order. */
  resume(): void {
    const lines = this.waiting;
    this.waiting = null;
    for (const line of lines ?? []) if (!this.closed) this.handleLine(line);
  }

  private handleLine(line: string): void {
    // Not logged in while no upstream is ready (it may have gone since this miner connected): wait for one.
    if (this.worker === null && !this.hub.current()) this.waiting ??= [];
    if (this.waiting) {
      if (this.waiting.length >= MAX_WAITING_LINES) return this.close();
      this.waiting.push(line);
      if (this.hub.current()) this.resume();
      return;
    }
    let req: StratumRequest;
    try {
      req = parseRequest(line);
    } catch (err) {
      const e = err instanceof MalformedRequest ? err : new MalformedRequest("Malformed request");
      return this.send(errorLine(e.id, errors.other(e.message)));
    }
    try {
      switch (req.method) {
        case "mining.subscribe": return this.subscribe(req);
        case "mining.extranonce.subscribe": return this.send(resultLine(req.id, true));
        case "mining.authorize": return this.authorize(req);
        case "mining.submit": return void this.submit(req).catch((err) => this.internalError(req.id, err));
        default: return this.send(errorLine(req.id, errors.other(`Unknown method ${req.method.slice(0, 64)}`)));
      }
    } catch (err) {
      this.internalError(req.id, err);
    }
  }

  private internalError(id: RequestId, err: unknown): void {
    if (err instanceof StratumError) return this.send(errorLine(id, err));
    this.hub.log.error("proxy miner handler failed", { remote: this.remote, error: (err as Error)?.message ?? String(err) });
    this.send(errorLine(id, errors.other("Internal error")));
  }

  private subscribe(req: StratumRequest): void {
    if (this.local === null) {
      this.agent = typeof req.params[0] === "string" ? req.params[0].slice(0, 128) : "";
      this.miner = classifyMiner(this.agent, this.port.encoding);
      this.shareCtx.searchJobs = this.miner.reportsWrongJobIds;
      if (!this.takeExtranonce(req.id)) return;
    }
    this.send(resultLine(req.id, subscribeResult(this.miner, this.extranonce)));
  }

  /** Every miner gets its own nonce space, Bitmain included (in its subscribe result); none is ever shared. */
  private takeExtranonce(id: RequestId): boolean {
    const job = this.hub.current()!;
    const local = this.hub.nonces.allocate();
    const full = local === null ? null : NonceSpace.compose(job.upstreamExtranonce, local);
    if (full === null) {
      if (local !== null) this.hub.nonces.release(local);
      this.send(errorLine(id, local === null ? errors.other(`Proxy is full: its nonce space takes ${this.hub.nonces.capacity} miners`) : noNonceSpace()));
      this.close();
      return false;
    }
    this.local = this.shareCtx.local = local!;
    this.extranonce = full;
    return true;
  }

  private authorize(req: StratumRequest): void {
    if (this.worker !== null) return this.send(resultLine(req.id, true));
    if (typeof req.params[0] !== "string" || req.params[0].length === 0) throw errors.other('authorize needs "<address>.<worker>"');
    if (this.local === null && !this.takeExtranonce(req.id)) return;
    const user = req.params[0];
    this.worker = sanitizeWorker(user.includes(".") ? user.slice(user.lastIndexOf(".") + 1) : user);
    const job = this.hub.current()!;
    // The upstream may have changed since subscribe: the extranonce is the current one's.
    const full = NonceSpace.compose(job.upstreamExtranonce, this.local!);
    if (full === null) {
      this.send(errorLine(req.id, noNonceSpace()));
      return this.close();
    }
    this.extranonce = full;
    const difficulty = this.difficulty.start(this.miner, req.params[1], job.upstreamDifficulty, Date.now());
    // IceRiver needs exactly this order: reply, extranonce, difficulty, job (spec §3.1).
    this.send(resultLine(req.id, true));
    this.notify("mining.set_extranonce", setExtranonceParams(this.miner, this.extranonce));
    this.notify("mining.set_difficulty", [difficulty]);
    this.sendJob(job);
  }

  /** The newest job wins: one waiting behind the throttle is replaced, never queued. */
  offerJob(job: ProxyJob): void {
    if (this.closed || this.worker === null) return;
    const wait = this.lastJobSentAt + this.hub.config.stratum.jobThrottleMs - Date.now();
    if (wait <= 0 && !this.throttle) return this.sendJob(job);
    this.pendingJob = job;
    this.throttle ??= setTimeout(() => {
      this.throttle = null;
      const next = this.pendingJob;
      this.pendingJob = null;
      if (next && !this.closed) this.sendJob(next);
    }, Math.max(wait, 0));
  }

  /** A new upstream: its extranonce (when it differs) and its job at once, past the throttle. */
  moveTo(job: ProxyJob): void {
    if (this.closed || this.worker === null || this.local === null || this.lastJob === job) return;
    const full = NonceSpace.compose(job.upstreamExtranonce, this.local);
    if (full === null) {
      this.send(errorLine(null, noNonceSpace()));
      return this.close();
    }
    if (full !== this.extranonce) {
      this.extranonce = full;
      this.notify("mining.set_extranonce", setExtranonceParams(this.miner, full));
    }
    this.pendingJob = null;
    this.sendJob(job);
  }

  private sendJob(job: ProxyJob): void {
    const changed = this.difficulty.forJob(job.upstreamDifficulty, Date.now());
    if (changed !== null) this.notify("mining.set_difficulty", [changed]);
    this.history.add(job.id, this.difficulty.current);
    this.lastJobSentAt = Date.now();
    this.lastJob = job;
    this.send(notifyLine(this.miner, job));
  }

  private async submit(req: StratumRequest): Promise<void> {
    if (this.worker === null) throw errors.unauthorized();
    let share;
    try {
      share = checkShare(this.shareCtx, req.params);
    } catch (err) {
      if (err instanceof StratumError) this.countReject(rejectReason(err.code));
      throw err;
    }
    const { job, sent, nonce } = share;
    if (share.forward) {
      this.counts.forwarded++;
      const verdict = await this.hub.forward(job, nonce);
      if (!verdict.accepted) {
        this.countReject("upstream");
        const code = verdict.code !== null && verdict.code >= 20 && verdict.code <= 25 ? verdict.code as StratumErrorCode : StratumErrorCode.Other;
        return this.send(errorLine(req.id, new StratumError(code, verdict.message)));
      }
      this.counts.upstreamAccepted++;
    }
    const now = Date.now();
    this.counts.accepted++;
    if (this.lastShareAt !== null) this.spacingTotalMs += now - this.lastShareAt;
    this.lastShareAt = now;
    this.meter.add(sent.difficulty, now);
    this.difficulty.share();
    this.send(resultLine(req.id, true));
  }

  private countReject(reason: RejectReason | "upstream"): void {
    this.counts.rejected[reason] = (this.counts.rejected[reason] ?? 0) + 1;
  }

  /** About once a second: handshake timeout (also for a miner still waiting for an upstream), idle timeout, vardiff. */
  tick(now: number): void {
    if (this.closed) return;
    if (now - this.lastActivity > this.hub.config.stratum.idleTimeoutSeconds * 1000) return this.close();
    if (this.worker === null && now - this.connectedAt > this.hub.config.stratum.handshakeTimeoutSeconds * 1000) {
      if (this.waiting) this.send(errorLine(null, errors.other("No upstream pool is available, try again later")));
      return this.close();
    }
    this.difficulty.tick(now);
  }

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

  release(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.throttle) clearTimeout(this.throttle);
    if (this.local !== null) this.hub.nonces.release(this.local);
  }
}
