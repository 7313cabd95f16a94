// One local miner behind the proxy: the pool side of the stratum conversation (the same messages, dialects
// and order as src/stratum), with jobs relayed from the upstream and shares answered from the upstream's verdict.
// Until an upstream is ready the miner's requests wait, so a Bitmain subscribe result can carry its extranonce.
// Framing, dispatch, the job throttle, timeouts and output are LineConnection's, as for the pool's miners.

import { errors, rejectReason, StratumError, StratumErrorCode, type RejectReason } from "../stratum/errors.ts";
import { LineConnection, type LineContext, type Transport } from "../stratum/lineConnection.ts";
import { sanitizeWorker } from "../stratum/login.ts";
import { errorLine, resultLine, setExtranonceParams, subscribeResult, type RequestId, type StratumRequest } from "../stratum/protocol.ts";
import type { ProxyJob } from "./jobs.ts";
import { NonceSpace } from "./nonceSpace.ts";
import { checkShare, type ShareCheckContext } from "./shareCheck.ts";
import type { Verdict } from "./upstream.ts";

/** What every miner connection of one proxy port shares. */
export interface ProxyHub extends LineContext {
  nonces: NonceSpace;
  /** The job miners get now, or null while no upstream is ready. */
  current(): ProxyJob | null;
  lookup(id: string): ProxyJob | undefined;
  forward(job: ProxyJob, nonce: bigint): Promise<Verdict>;
}

const MAX_WAITING_LINES = 16;
const noNonceSpace = () => errors.other("Upstream extranonce leaves no nonce space for this miner");

export class MinerConnection extends LineConnection<ProxyHub, ProxyJob> {
  worker: string | null = null;
  private local: string | null = null;
  private extranonce = "";
  private waiting: string[] | null = [];
  private readonly shareCtx: ShareCheckContext;
  private lastJob: ProxyJob | null = null;
  readonly counts = { accepted: 0, forwarded: 0, upstreamAccepted: 0, rejected: {} as Partial<Record<RejectReason | "upstream", number>> };
  lastShareAt: number | null = null;
  spacingTotalMs = 0;

  constructor(ctx: ProxyHub, transport: Transport, remoteAddress: string, now: number) {
    super(ctx, transport, remoteAddress, now);
    this.shareCtx = { history: this.history, lookup: (id) => ctx.lookup(id), local: "", searchJobs: false };
  }

  get currentDifficulty(): number {
    return this.difficulty.current;
  }

  /** An upstream is ready: requests that waited for it are answered now, in order. */
  resume(): void {
    const lines = this.waiting;
    this.waiting = null;
    for (const line of lines ?? []) if (!this.closed) this.handleLine(line);
  }

  override handleLine(line: string): void {
    // Not logged in while no upstream is ready (it may have gone since this miner connected): wait for one.
    if (this.worker === null && !this.ctx.current()) this.waiting ??= [];
    if (this.waiting) {
      if (this.waiting.length >= MAX_WAITING_LINES) return this.close();
      this.waiting.push(line);
      if (this.ctx.current()) this.resume();
      return;
    }
    super.handleLine(line);
  }

  protected subscribe(req: StratumRequest): void {
    if (this.local === null) {
      this.identify(req.params[0]);
      this.shareCtx.searchJobs = this.miner.reportsWrongJobIds;
      if (!this.takeExtranonce(req.id)) return;
    }
    this.send(resultLine(req.id, subscribeResult(this.miner, this.extranonce)));
  }

  /** Every miner gets its own nonce space, Bitmain included (in its subscribe result); none is ever shared. */
  private takeExtranonce(id: RequestId): boolean {
    const job = this.ctx.current()!;
    const local = this.ctx.nonces.allocate();
    const full = local === null ? null : NonceSpace.compose(job.upstreamExtranonce, local);
    if (full === null) {
      if (local !== null) this.ctx.nonces.release(local);
      this.send(errorLine(id, local === null ? errors.other(`Proxy is full: its nonce space takes ${this.ctx.nonces.capacity} miners`) : noNonceSpace()));
      this.close();
      return false;
    }
    this.local = this.shareCtx.local = local!;
    this.extranonce = full;
    return true;
  }

  protected authorize(req: StratumRequest): void {
    if (this.worker !== null) return this.send(resultLine(req.id, true));
    if (typeof req.params[0] !== "string" || req.params[0].length === 0) throw errors.other('authorize needs "<address>.<worker>"');
    if (this.local === null && !this.takeExtranonce(req.id)) return;
    const user = req.params[0];
    this.worker = sanitizeWorker(user.includes(".") ? user.slice(user.lastIndexOf(".") + 1) : user);
    const job = this.ctx.current()!;
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

  /** Jobs go to logged-in miners only: a miner still waiting gets its first with the authorize reply. */
  override offerJob(job: ProxyJob): void {
    if (this.worker !== null) super.offerJob(job);
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

  /** The port's difficulty and vardiff as on the pool, clamped to the upstream's difficulty instead of the network's. */
  protected ceiling(job: ProxyJob): number {
    return job.upstreamDifficulty;
  }

  protected override sendJob(job: ProxyJob): void {
    this.lastJob = job;
    super.sendJob(job);
  }

  protected async submit(req: StratumRequest): Promise<void> {
    if (this.worker === null) throw errors.unauthorized();
    let share;
    try {
      share = checkShare(this.shareCtx, req.params);
    } catch (err) {
      if (!(err instanceof StratumError)) throw err;
      const reason = rejectReason(err.code);
      this.countReject(reason);
      this.send(errorLine(req.id, err));
      // An upstream that went away takes its jobs with it: shares on them are not the miner's fault.
      if (reason !== "job-not-found") this.countInvalid();
      return;
    }
    const { job, sent, nonce } = share;
    if (share.forward) {
      this.counts.forwarded++;
      const verdict = await this.ctx.forward(job, nonce);
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
    this.countValid();
  }

  private countReject(reason: RejectReason | "upstream"): void {
    this.counts.rejected[reason] = (this.counts.rejected[reason] ?? 0) + 1;
  }

  protected get loggedIn(): boolean {
    return this.worker !== null;
  }

  /** A miner still waiting for an upstream is told why it is closed. */
  protected override handshakeExpired(): void {
    if (this.waiting) this.send(errorLine(null, errors.other("No upstream pool is available, try again later")));
  }

  protected releaseHeld(): void {
    if (this.local !== null) this.ctx.nonces.release(this.local);
  }
}
