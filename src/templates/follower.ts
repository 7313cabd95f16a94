// Follows the node's templates for one pay address: a job per new template, pushed to listeners.
// Driven by NewBlockTemplate notifications; polls when none has come for `pollMs` (a missed subscription, a
// reconnect, a node that does not notify), as the bridges do (rusty-kaspa bridge kaspaapi.rs, 1000 ms ticker).

import type { Logger } from "../common/log.ts";
import type { NodeClient } from "../node/client.ts";
import { buildJob, prepareTemplate, type Job } from "./job.ts";
import { JobCache } from "./jobCache.ts";
import type { JobIds } from "./jobIds.ts";

/** ~9 µs of socket write per listener: a share that arrives during a broadcast waits at most ~2-3 ms. */
const BROADCAST_CHUNK = 250;

export type TemplateSource = Pick<NodeClient, "getBlockTemplate" | "onNewBlockTemplate">;

export interface FollowerOptions {
  node: TemplateSource;
  payAddress: string;
  extraData: string;
  cacheSize: number;
  ids: JobIds;
  log: Logger;
  pollMs?: number;
}

export class TemplateFollower {
  readonly payAddress: string;
  private readonly cache: JobCache;
  private readonly listeners = new Set<(job: Job) => void>();
  private latestJob: Job | null = null;
  private latestKey = "";
  private inFlight: Promise<void> | null = null;
  private again = false;
  private lastSignalAt = 0;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private stopped = false;
  private lastError = "";

  constructor(private readonly opts: FollowerOptions) {
    this.payAddress = opts.payAddress;
    this.cache = new JobCache(opts.cacheSize, opts.ids);
  }

  get latest(): Job | null {
    return this.latestJob;
  }

  get jobCount(): number {
    return this.cache.size;
  }

  job(id: string): Job | undefined {
    return this.cache.get(id);
  }

  onJob(fn: (job: Job) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Subscribes and fetches the first template; node trouble is logged and retried by polling, never thrown. */
  async start(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1_000;
    this.pollTimer = setInterval(() => {
      if (Date.now() - this.lastSignalAt >= pollMs) this.refresh();
    }, pollMs);
    try {
      const unsubscribe = await this.opts.node.onNewBlockTemplate(() => {
        this.lastSignalAt = Date.now();
        this.refresh();
      });
      if (this.stopped) await unsubscribe();
      else this.unsubscribe = unsubscribe;
    } catch (err) {
      this.opts.log.warn("no template notifications; polling only", { error: (err as Error).message });
    }
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.listeners.clear();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    await this.inFlight;
    this.cache.clear();
    if (unsubscribe) await unsubscribe().catch(() => undefined);
  }

  /** Fetches now; calls during a fetch coalesce into one more fetch after it, so bursts cost at most two. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const run = async () => {
      do {
        this.again = false;
        await this.fetchOnce();
      } while (this.again && !this.stopped);
    };
    this.inFlight = run().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    try {
      const { block, isSynced } = await this.opts.node.getBlockTemplate(this.payAddress, this.opts.extraData);
      if (this.stopped) return;
      if (!isSynced) return this.report("node is not synced; not mining on its templates");
      const prepared = prepareTemplate(block);
      if (prepared.workKey === this.latestKey) return;
      const job = this.cache.add((id) => buildJob(id, prepared));
      this.latestJob = job;
      this.latestKey = prepared.workKey;
      this.lastError = "";
      this.broadcast(job);
    } catch (err) {
      this.report(`template fetch failed: ${(err as Error).message}`);
    }
  }

  /**
   * Hands the job to every listener, yielding to the event loop every BROADCAST_CHUNK listeners so shares
   * waiting on other connections are answered in between instead of queueing behind 10,000 sends. A newer
   * job ends an older broadcast: the listeners it had not reached get the newer one instead.
   */
  private broadcast(job: Job): void {
    const listeners = [...this.listeners];
    const step = (from: number) => {
      if (this.stopped || this.latestJob !== job) return;
      const end = Math.min(from + BROADCAST_CHUNK, listeners.length);
      for (let i = from; i < end; i++) {
        const fn = listeners[i]!;
        // Gone while the broadcast yielded (a disconnect).
        if (this.listeners.has(fn)) fn(job);
      }
      if (end < listeners.length) setImmediate(step, end);
    };
    step(0);
  }

  /** Logs a problem once until it changes, so a node outage does not flood the log at the poll rate. */
  private report(problem: string): void {
    if (problem !== this.lastError) this.opts.log.warn(problem, { payAddress: this.payAddress });
    this.lastError = problem;
  }
}
