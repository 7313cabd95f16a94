// One miner connection of the pool: the subscribe → authorize → jobs → submit conversation with shares checked,
// recorded and turned into blocks, per-connection difficulty. Framing, dispatch, the job throttle, timeouts and
// output are LineConnection's, shared with the proxy's connections.

import { stringifyJson } from "../common/json.ts";
import type { StratumPortConfig } from "../config/types.ts";
import { blockHash } from "../kaspa/header.ts";
import type { BlockSubmitter, SubmitOutcome } from "../node/blockSubmitter.ts";
import { withNonce } from "../node/template.ts";
import type { AcceptedShare, FoundBlock, ShareSink } from "../shares/types.ts";
import type { TemplateFollower, TemplateHub } from "../templates/index.ts";
import type { Job } from "../templates/job.ts";
import type { BlockHandovers, Handover } from "./blockHandovers.ts";
import { errors, rejectReason, StratumError, type RejectReason } from "./errors.ts";
import type { ExtranonceAllocator } from "./extranonce.ts";
import { LineConnection, type LineContext, type Transport } from "./lineConnection.ts";
import { parseLogin, requestedPayoutLimit, type Login } from "./login.ts";
import { errorLine, resultLine, setExtranonceParams, subscribeResult, type RequestId, type StratumRequest } from "./protocol.ts";
import { ShareRateCap } from "./shareRate.ts";
import { validateShare, type ShareContext, type ValidShare } from "./shareValidator.ts";
import type { ObservedReject, StratumObserver } from "./observer.ts";
import type { StatsCounters } from "./stats.ts";

/** What every connection of one listener shares. */
export interface ConnectionContext extends LineContext {
  submitter: Pick<BlockSubmitter, "submit">;
  /** Blocks on their way from the nodes to the sink, which stop waits for. */
  blocks: BlockHandovers;
  sink: ShareSink;
  hub: TemplateHub;
  extranonces: ExtranonceAllocator;
  stats: StatsCounters;
  observer: StratumObserver;
  /** The bound port as metrics label it (a configured port 0 becomes the OS's choice). */
  portLabel: string;
}

export class StratumConnection extends LineConnection<ConnectionContext, Job> {
  private extranonce: string | null = null;
  private login: Login | null = null;
  private follower: TemplateFollower | null = null;
  private stopJobs: (() => void) | null = null;

  /** Kept in step with login, extranonce and miner type, so a share allocates no context. */
  private readonly shareContext: ShareContext;
  private readonly rateCap: ShareRateCap;
  accepted = 0;
  rejected = 0;

  constructor(ctx: ConnectionContext, transport: Transport, remoteAddress: string, now: number) {
    super(ctx, transport, remoteAddress, now);
    this.shareContext = {
      authorized: false, extranonce: "", searchJobs: false, history: this.history, lookup: (id) => this.follower?.job(id),
    };
    const { windowSeconds, overTarget } = ctx.config.stratum.shareRateCap;
    this.rateCap = new ShareRateCap(windowSeconds, overTarget, now);
  }

  get worker(): (Login & { difficulty: number; mode: StratumPortConfig["mode"] }) | null {
    return this.login && { ...this.login, difficulty: this.difficulty.current, mode: this.ctx.port.mode };
  }

  // ---- subscribe / authorize ----

  /**
   * The extranonce waits for authorize, so sockets that never log in cannot use the space up. Only Bitmain's
   * subscribe result carries one (spec §3.2), and Bitmain always gets "" here (rusty bridge), so no reply changes.
   */
  protected subscribe(req: StratumRequest): void {
    if (this.extranonce === null) {
      this.identify(req.params[0]);
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

  protected authorize(req: StratumRequest): void {
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
    const latest = this.follower.latest;
    const difficulty = this.difficulty.start(this.miner, req.params[1], latest ? latest.networkDifficulty : null, Date.now());

    // IceRiver needs exactly this order: reply, extranonce, difficulty, job (spec §3.1).
    this.send(resultLine(req.id, true));
    if (this.extranonce) this.notify("mining.set_extranonce", setExtranonceParams(this.miner, this.extranonce));
    this.notify("mining.set_difficulty", [difficulty]);
    this.stopJobs = this.follower.onJob((job) => this.offerJob(job));
    if (latest) this.sendJob(latest);
    const payoutLimit = requestedPayoutLimit(req.params[1]);
    if (payoutLimit !== null) {
      this.ctx.sink.recordPayoutLimit(login.address, payoutLimit).catch((err) =>
        this.ctx.log.warn("payout limit not saved; it is set again at the next login", { address: login.address, error: (err as Error).message }));
    }
    this.ctx.log.debug("miner authorized", { remote: this.remoteAddress, agent: this.userAgent, address: login.address, worker: login.worker });
  }

  // ---- jobs ----

  protected ceiling(job: Job): number {
    return job.networkDifficulty;
  }

  // ---- shares ----

  protected async submit(req: StratumRequest): Promise<void> {
    const now = Date.now();
    if (!this.capShareRate(now)) return;
    if (this.follower?.isStale()) return this.refuseStale(req.id, now);
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
    let submission: Handover | null = null;
    let recorded: Promise<void>;
    try {
      // Kept first, or a kill between the send and the keeping loses a block the node has (issue 7); kept without
      // waiting for the disk, since the block goes to the node before anything that could be slow (peers.md bug 4).
      const unanswered = share.isBlock ? this.keepAtNode(share, login, now) : null;
      submission = unanswered ? this.ctx.blocks.begin(this.ctx.submitter.submit(share.job.template, share.nonce)) : null;
      unanswered?.durable();
      const block = unanswered && submission ? await this.submitBlock(unanswered.block, login, now, submission.outcome) : null;
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
      // Stratum's stop waits for this: from here the recorder's own stop makes the block and share durable.
      submission?.handedOver();
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
    this.difficulty.share();
    this.send(resultLine(req.id, true));
    this.countValid();
  }

  /** Dead work during a node outage: refused, but not the miner's fault, so it never counts towards a ban. */
  private refuseStale(id: RequestId, now: number): void {
    this.refused("job-not-found", now, "stale");
    this.send(errorLine(id, errors.staleJob()));
  }

  /**
   * Counts a refused share; a logged-in worker's also goes to its share history. `observed` names the reason for
   * metrics, which tell stale work apart from an unknown job.
   */
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
    const next = this.difficulty.raise(verdict.raiseBy);
    // Already at the port's maximum: nothing to raise; if the flood goes on, the next window closes it.
    if (next === null) return true;
    this.ctx.log.info("share rate far above target, raising difficulty", { remote: this.remoteAddress, difficulty: next });
    // Told at once, with the newest job again so the miner need not wait for the next template to use it.
    this.sendJob(latest);
    return true;
  }

  /**
   * Called before the block is sent: the sink keeps it, in the form recorded while no node has answered (followed,
   * and resubmitted from pendingBlock), where a killed process finds it at its next start (issue 7). Returns that
   * form, and the call that makes the keeping durable, made once the block is sent.
   */
  private keepAtNode(share: ValidShare, login: Login, now: number): { block: FoundBlock; durable: () => void } {
    const { job, nonce } = share;
    const block: FoundBlock = {
      hash: blockHash({ ...job.header, nonce }), address: login.address, worker: login.worker, mode: this.ctx.port.mode,
      daaScore: job.header.daaScore, networkDifficulty: job.networkDifficulty, accepted: false, rejectReason: null,
      foundAt: now, pendingBlock: stringifyJson(withNonce(job.template, nonce)),
    };
    return { block, durable: this.ctx.sink.blockAtNode(block) };
  }

  /**
   * Waits for the nodes at most their request timeout (or until stratum's stop cuts the wait off) and returns the
   * block as their answer leaves it; a block no node answered stays as it was, for resubmission.
   */
  private async submitBlock(unanswered: FoundBlock, login: Login, now: number, answer: Promise<SubmitOutcome>): Promise<FoundBlock> {
    const submitting = performance.now();
    const outcome = await answer;
    const { pendingBlock: _, ...answered } = unanswered;
    const { hash } = answered;
    this.ctx.stats.blockFound(outcome.status);
    this.ctx.observer.blockFound(this.ctx.port.mode, outcome.status, (performance.now() - submitting) / 1000, login, now);
    const worker = `${login.address}.${login.worker}`;
    if (outcome.status === "accepted") {
      this.ctx.log.info("block found", { hash, worker });
      return { ...answered, accepted: true };
    }
    if (outcome.status === "rejected") {
      this.ctx.log.warn("block rejected by node", { hash, worker, reason: outcome.reason });
      return { ...answered, rejectReason: outcome.reason };
    }
    this.ctx.log.warn("block found but no node answered its submission; it will be resubmitted", { hash, worker, error: outcome.error });
    return unanswered;
  }

  // ---- timers ----

  protected get loggedIn(): boolean {
    return this.login !== null;
  }

  // ---- teardown ----

  protected releaseHeld(): void {
    this.stopJobs?.();
    if (this.follower) this.ctx.hub.release(this.follower.payAddress);
    this.follower = null;
    if (this.extranonce) this.ctx.extranonces.release(this.extranonce);
  }
}
