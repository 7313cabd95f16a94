// Follows the node's templates for one pay address: a job per new template, pushed to listeners. When to fetch
// is the hub's business (one subscription, one poll timer and one fetch queue for every follower, index.ts);
// a follower fetches when the queue gets to it and knows how old its newest work is.

import type { NodeClient } from "../node/client.ts";
import type { Fetcher } from "./fetchQueue.ts";
import { buildJob, prepareTemplate, type Job } from "./job.ts";
import { JobCache } from "./jobCache.ts";
import type { JobIds } from "./jobIds.ts";

/** ~9 µs of socket write per listener: a share that arrives during a broadcast waits at most ~2-3 ms. */
const BROADCAST_CHUNK = 250;

export type TemplateSource = Pick<NodeClient, "getBlockTemplate" | "onNewBlockTemplate">;

/** What the hub hears from its followers, to tell the operator once per outage rather than once per follower. */
export interface FollowerEvents {
  stale(): void;
  fresh(): void;
  /** A new job has reached every listener, `seconds` after its template arrived. */
  broadcast(job: Job, seconds: number): void;
  problem(text: string, payAddress: string): void;
}

export interface FollowerOptions {
  node: TemplateSource;
  payAddress: string;
  extraData: string;
  cacheSize: number;
  ids: JobIds;
  /** Fetched before the others: the PPLNS template. */
  urgent: boolean;
  /** Work unchanged for this long is stale: no new template (node outage, IBD), so shares on it earn nothing. */
  staleMs: number;
  events: FollowerEvents;
  clock: () => number;
}

export class TemplateFollower implements Fetcher {
  readonly payAddress: string;
  readonly urgent: boolean;
  private readonly cache: JobCache;
  private readonly listeners = new Set<(job: Job) => void>();
  private latestJob: Job | null = null;
  private latestKey = "";
  /** Clock time the newest job was made: the age of this follower's work. */
  private latestAt = 0;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  private lastError = "";

  constructor(private readonly opts: FollowerOptions) {
    this.payAddress = opts.payAddress;
    this.urgent = opts.urgent;
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

  /** True once no new template has come for staleMs: every job of this follower is then dead work. */
  isStale(): boolean {
    if (this.latestJob === null || this.opts.clock() - this.latestAt < this.opts.staleMs) return false;
    this.opts.events.stale();
    return true;
  }

  /** One template request; node trouble goes to the hub (once until it changes) and is left to the next signal or poll. */
  fetch(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight = this.fetchOnce().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await this.inFlight;
    this.cache.clear();
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
      this.latestAt = this.opts.clock();
      this.lastError = "";
      this.opts.events.fresh();
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
    const started = performance.now();
    const step = (from: number) => {
      if (this.stopped || this.latestJob !== job) return;
      const end = Math.min(from + BROADCAST_CHUNK, listeners.length);
      for (let i = from; i < end; i++) {
        const fn = listeners[i]!;
        // Gone while the broadcast yielded (a disconnect).
        if (this.listeners.has(fn)) fn(job);
      }
      if (end < listeners.length) setImmediate(step, end);
      else this.opts.events.broadcast(job, (performance.now() - started) / 1000);
    };
    step(0);
  }

  /** Passes a problem on once until it changes, so a node outage does not flood the log at the poll rate. */
  private report(problem: string): void {
    if (problem !== this.lastError) this.opts.events.problem(problem, this.payAddress);
    this.lastError = problem;
  }
}
