// Template followers by pay address: the pool address for PPLNS ports, and one per distinct solo address, so a
// solo miner's coinbase pays the miner directly and the pool never holds solo rewards. Followers are shared by
// every connection that mines for the address.
//
// Solo addresses cost nothing to invent, so they are bounded: at most `maxAddresses` solo followers, each with a
// small job cache, fetching at most once per `refreshMs` (the rate a miner is sent jobs at anyway), all through
// one fetch queue of bounded concurrency behind a single node subscription. A solo follower nobody uses lingers
// `lingerMs` for a reconnect, and gives its place to a new address sooner when the hub is full.

import type { Logger } from "../common/log.ts";
import { FetchQueue } from "./fetchQueue.ts";
import { TemplateFollower, type FollowerEvents, type TemplateSource } from "./follower.ts";
import type { Job } from "./job.ts";
import { JobIds } from "./jobIds.ts";

export type { Job } from "./job.ts";
export type { TemplateFollower } from "./follower.ts";

export interface TemplateHubOptions {
  node: TemplateSource;
  /** Jobs kept by a PPLNS follower. */
  cacheSize: number;
  solo: { maxAddresses: number; cacheSize: number; lingerMs: number; refreshMs: number };
  /** Work with no new template for this long is stale (see TemplateFollower.isStale). */
  staleMs: number;
  /** Goes into the coinbase payload after the node's own version string. */
  extraData: string;
  log: Logger;
  /** Measures the age of work; injected by tests to step over an outage without sleeping. */
  clock?: () => number;
  /** A poll stands in for a notification when none has come for this long (rusty-kaspa bridge: 1000 ms). */
  pollMs?: number;
  /** Hears every job once it has reached all of its follower's miners (metrics). */
  onBroadcast?: (job: Job, seconds: number) => void;
}

const PROBLEM_REPEAT_MS = 60_000;

interface Entry {
  follower: TemplateFollower;
  users: number;
  solo: boolean;
  linger: ReturnType<typeof setTimeout> | null;
}

export class TemplateHub {
  private readonly ids = new JobIds();
  private readonly followers = new Map<string, Entry>();
  /** Solo followers nobody uses, oldest first. */
  private readonly lingering = new Set<Entry>();
  private readonly queue = new FetchQueue();
  private soloCount = 0;
  private started = false;
  private stopped = false;
  private unsubscribe: (() => Promise<void>) | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private lastSignalAt = 0;
  private soloTimer: ReturnType<typeof setTimeout> | null = null;
  private soloDue = false;
  private lastSoloRound = 0;
  private outage = false;
  /** Logged when the solo limit is first hit, again only after a slot has freed. */
  private full = false;
  private lastProblem = "";
  private lastProblemAt = 0;
  private readonly events: FollowerEvents;

  constructor(private readonly opts: TemplateHubOptions) {
    this.events = {
      stale: () => {
        if (this.outage) return;
        this.outage = true;
        opts.log.warn("no new block template: shares on old jobs are refused until the node serves new work", { seconds: opts.staleMs / 1000 });
      },
      fresh: () => {
        if (!this.outage) return;
        this.outage = false;
        opts.log.info("new block templates again");
      },
      broadcast: (job, seconds) => opts.onBroadcast?.(job, seconds),
      // Every follower meets a node outage; the same words from another follower within a minute add nothing.
      problem: (text, payAddress) => {
        const now = Date.now();
        if (text === this.lastProblem && now - this.lastProblemAt < PROBLEM_REPEAT_MS) return;
        this.lastProblem = text;
        this.lastProblemAt = now;
        opts.log.warn(text, { payAddress, followers: this.followers.size });
      },
    };
  }

  /** The follower for an address, started on first use, or null when a new solo address finds the hub full. */
  acquire(payAddress: string, solo: boolean): TemplateFollower | null {
    const known = this.followers.get(payAddress);
    if (known) {
      known.users++;
      this.unlinger(known);
      return known.follower;
    }
    if (this.stopped) return null;
    if (solo && this.soloCount >= this.opts.solo.maxAddresses) {
      const oldest = this.lingering.values().next().value;
      if (!oldest) return this.refuseSolo();
      this.drop(oldest);
    }
    const follower = new TemplateFollower({
      node: this.opts.node,
      payAddress,
      extraData: this.opts.extraData,
      cacheSize: solo ? this.opts.solo.cacheSize : this.opts.cacheSize,
      ids: this.ids,
      urgent: !solo,
      staleMs: this.opts.staleMs,
      events: this.events,
      clock: this.opts.clock ?? Date.now,
    });
    this.followers.set(payAddress, { follower, users: 1, solo, linger: null });
    if (solo) this.soloCount++;
    this.start();
    this.queue.schedule(follower);
    return follower;
  }

  /** Every acquire needs one release. */
  release(payAddress: string): void {
    const entry = this.followers.get(payAddress);
    if (!entry || --entry.users > 0) return;
    if (!entry.solo || this.opts.solo.lingerMs <= 0) return this.drop(entry);
    entry.linger = setTimeout(() => this.drop(entry), this.opts.solo.lingerMs);
    this.lingering.add(entry);
  }

  get followerCount(): number {
    return this.followers.size;
  }

  get soloFollowerCount(): number {
    return this.soloCount;
  }

  /** Jobs cached by every follower: what the templates hold in memory. */
  get jobCount(): number {
    let n = 0;
    for (const e of this.followers.values()) n += e.follower.jobCount;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.soloTimer) clearTimeout(this.soloTimer);
    const all = [...this.followers.values()];
    for (const e of all) this.drop(e);
    await Promise.all(all.map((e) => e.follower.stop()));
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** One subscription and one poll timer for every follower. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    const pollMs = this.opts.pollMs ?? 1_000;
    this.pollTimer = setInterval(() => {
      if (Date.now() - this.lastSignalAt >= pollMs) this.signal();
    }, pollMs);
    this.opts.node.onNewBlockTemplate(() => {
      this.lastSignalAt = Date.now();
      this.signal();
    }).then(
      (unsubscribe) => (this.stopped ? void unsubscribe().catch(() => undefined) : (this.unsubscribe = unsubscribe)),
      (err) => this.opts.log.warn("no template notifications; polling only", { error: (err as Error).message }),
    );
  }

  /** New work at the node: PPLNS followers now, solo followers in a round at most every refreshMs. */
  private signal(): void {
    if (this.stopped) return;
    for (const e of this.followers.values()) if (!e.solo) this.queue.schedule(e.follower);
    this.soloDue = true;
    this.soloRound();
  }

  private soloRound(): void {
    if (!this.soloDue || this.soloTimer || this.stopped) return;
    const wait = this.lastSoloRound + this.opts.solo.refreshMs - Date.now();
    if (wait > 0) {
      this.soloTimer = setTimeout(() => {
        this.soloTimer = null;
        this.soloRound();
      }, wait);
      return;
    }
    this.soloDue = false;
    this.lastSoloRound = Date.now();
    for (const e of this.followers.values()) if (e.solo) this.queue.schedule(e.follower);
  }

  private refuseSolo(): null {
    if (!this.full) this.opts.log.warn("solo address limit reached; new solo addresses are refused", { maxAddresses: this.opts.solo.maxAddresses });
    this.full = true;
    return null;
  }

  private unlinger(entry: Entry): void {
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = null;
    this.lingering.delete(entry);
  }

  private drop(entry: Entry): void {
    this.unlinger(entry);
    if (this.followers.get(entry.follower.payAddress) !== entry) return;
    this.followers.delete(entry.follower.payAddress);
    if (entry.solo && --this.soloCount < this.opts.solo.maxAddresses) this.full = false;
    this.queue.remove(entry.follower);
    void entry.follower.stop();
  }
}
