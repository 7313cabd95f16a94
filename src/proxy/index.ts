// Proxy mode: local miners on the stratum ports, one upstream pool connection at a time serving all of them.
// The upstream is dialled only while a miner is connected; which one is the schedule's choice at the proxy's
// clock, skipping upstreams whose circuit breaker is open (next in config order). A switch moves every miner
// to the new upstream's job at once and keeps the old session for proxy.switchGraceSeconds, so shares on its
// jobs are still forwarded and answered by it.

import { createLogger, type Logger } from "../common/log.ts";
import type { Config, UpstreamConfig } from "../config/types.ts";
import type { MinerJob } from "../miner/jobParams.ts";
import { reconnectDelayMs } from "../node/backoff.ts";
import { IpAdmission } from "../stratum/admission.ts";
import { describePort, listen } from "../stratum/server.ts";
import { CircuitBreaker } from "./breaker.ts";
import { MinerConnection, type ProxyHub } from "./downstream.ts";
import { JobBook, type ProxyJob } from "./jobs.ts";
import { NonceSpace } from "./nonceSpace.ts";
import { upstreamAt } from "./schedule.ts";
import { UpstreamStats, verdictReason } from "./stats.ts";
import { buildStatus, type ProxyStatus } from "./status.ts";
import { UpstreamSession, type UpstreamEvents, type Verdict } from "./upstream.ts";

export interface ProxyOptions {
  config: Config;
  log?: Logger;
  /** Wall clock for the schedule and the breaker's cool-down; tests step it. */
  clock?: () => number;
  /** How often the schedule and breakers are looked at (default 1 s). */
  tickMs?: number;
}

export interface Proxy {
  readonly ports: number[];
  status(): ProxyStatus;
  stop(): Promise<void>;
}

export interface Upstream {
  config: UpstreamConfig;
  breaker: CircuitBreaker;
  stats: UpstreamStats;
  session: UpstreamSession | null;
  dialing: boolean;
  attempt: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
  drainTimer: ReturnType<typeof setTimeout> | null;
  /** The newest job of this upstream's session, kept until miners are moved to it. */
  latest: { job: MinerJob; difficulty: number } | null;
  consecutiveRejects: number;
}

export async function startProxy(opts: ProxyOptions): Promise<Proxy> {
  const { config } = opts;
  const p = config.proxy;
  const log = opts.log ?? createLogger("proxy");
  const clock = opts.clock ?? Date.now;
  if (p.upstreams.length === 0) throw new Error("proxy.upstreams: needs at least one upstream");
  const miners = new Set<MinerConnection>();
  const book = new JobBook(config.stratum.templates.cacheSize);
  const nonces = new NonceSpace(p.extranonceBytes);
  const ups: Upstream[] = p.upstreams.map((c) => ({
    config: c, breaker: new CircuitBreaker(p.breaker.failures, p.breaker.coolDownSeconds * 1000), stats: new UpstreamStats(Date.now()),
    session: null, dialing: false, attempt: 0, retryTimer: null, drainTimer: null, latest: null, consecutiveRejects: 0,
  }));
  const sessionOpts = { connectTimeoutMs: p.connectTimeoutSeconds * 1000, submitTimeoutMs: p.submitTimeoutSeconds * 1000 };
  let active: Upstream | null = null;
  let current: ProxyJob | null = null;
  let stopped = false;

  const ownerOf = (session: UpstreamSession) => ups.find((u) => u.session === session) ?? null;

  function target(): Upstream | null {
    const now = clock();
    const name = upstreamAt(p, now);
    const first = ups.find((u) => u.config.name === name);
    const order = first ? [first, ...ups.filter((u) => u !== first)] : ups;
    return order.find((u) => u.breaker.allows(now)) ?? null;
  }

  function evaluate(): void {
    if (stopped) return;
    if (miners.size === 0) {
      for (const u of ups) idle(u);
      active = null;
      current = null;
      return;
    }
    const want = target();
    for (const u of ups) if (u !== want && u !== active && !u.drainTimer) idle(u);
    if (!want) return;
    if (want.session?.isReady) {
      if (want !== active || current?.upstream !== want.session) switchTo(want);
    } else if (!want.session && !want.dialing && !want.retryTimer) void dial(want);
  }

  /** Not needed now: no pending dial, and the session goes once its forwarded shares are answered. */
  function idle(u: Upstream): void {
    if (u.retryTimer) clearTimeout(u.retryTimer);
    if (u.drainTimer) clearTimeout(u.drainTimer);
    u.retryTimer = u.drainTimer = null;
    u.session?.closeWhenAnswered();
  }

  async function dial(u: Upstream): Promise<void> {
    u.dialing = true;
    const holder: { session: UpstreamSession | null } = { session: null };
    let session: UpstreamSession;
    try {
      session = await UpstreamSession.open(u.config, sessionOpts, events(u, holder), log.child(u.config.name));
    } catch (err) {
      u.dialing = false;
      return failed(u, `cannot connect: ${(err as Error).message}`);
    }
    u.dialing = false;
    if (stopped) return session.close();
    holder.session = u.session = session;
    u.latest = null;
    u.consecutiveRejects = 0;
    u.stats.connects++;
    log.debug("upstream connected", { upstream: u.config.name });
    evaluate();
  }

  /** Events of a session that is no longer its upstream's (closed, replaced) are ignored. */
  function events(u: Upstream, holder: { session: UpstreamSession | null }): UpstreamEvents {
    const mine = () => holder.session !== null && u.session === holder.session;
    return {
      ready() {
        if (!mine()) return;
        u.breaker.success();
        u.attempt = 0;
        log.info("upstream ready", { upstream: u.config.name, extranonce: u.session!.extranonce || "(none)", difficulty: u.session!.difficulty });
        evaluate();
      },
      job(job, difficulty) {
        if (!mine()) return;
        u.latest = { job, difficulty };
        if (u === active && current?.upstream === u.session) fanOut(book.add(u.session!, job, difficulty));
      },
      difficulty(d) {
        if (mine() && current && current.upstream === u.session) book.raise(current, d);
      },
      closed(reason, wasFailure) {
        if (!mine()) return;
        const session = u.session!;
        u.session = null;
        book.forget(session);
        if (u.drainTimer) clearTimeout(u.drainTimer);
        u.drainTimer = null;
        if (current?.upstream === session) current = null;
        // A session the proxy closed itself was closed by an evaluation already under way.
        if (wasFailure) failed(u, reason);
      },
    };
  }

  function failed(u: Upstream, reason: string): void {
    u.stats.failures++;
    if (u.breaker.failure(clock())) log.warn("upstream circuit open", { upstream: u.config.name, reason, coolDownSeconds: p.breaker.coolDownSeconds });
    else log.warn("upstream failed", { upstream: u.config.name, reason });
    if (!stopped && miners.size > 0 && !u.retryTimer) {
      u.retryTimer = setTimeout(() => {
        u.retryTimer = null;
        evaluate();
      }, reconnectDelayMs(u.attempt++, p.reconnect.minMs, p.reconnect.maxMs));
    }
    evaluate();
  }

  /** Every miner to this upstream's newest job; the previous upstream drains for the grace period. */
  function switchTo(u: Upstream): void {
    const previous = active;
    if (previous && previous !== u && previous.session && !previous.drainTimer) {
      const grace = setTimeout(() => {
        previous.drainTimer = null;
        if (previous !== active) previous.session?.closeWhenAnswered();
      }, p.switchGraceSeconds * 1000);
      previous.drainTimer = grace;
    }
    if (u.drainTimer) clearTimeout(u.drainTimer);
    u.drainTimer = null;
    active = u;
    log.info("miners on upstream", { upstream: u.config.name, from: previous && previous !== u ? previous.config.name : "" });
    const { job, difficulty } = u.latest!;
    const first = book.add(u.session!, job, difficulty);
    current = first;
    for (const m of miners) {
      m.resume();
      m.moveTo(first);
    }
  }

  function fanOut(job: ProxyJob): void {
    const moved = current?.upstreamExtranonce !== job.upstreamExtranonce;
    current = job;
    for (const m of miners) {
      if (moved) m.moveTo(job);
      else m.offerJob(job);
    }
  }

  async function forward(job: ProxyJob, nonce: bigint): Promise<Verdict> {
    const u = ownerOf(job.upstream);
    const started = performance.now();
    if (u) u.stats.forwarded++;
    const verdict = await job.upstream.submit(job.upstreamJobId, nonce);
    if (!u) return verdict;
    const reason = verdict.accepted ? "" : verdictReason(verdict.code, verdict.message);
    u.stats.verdict(verdict.accepted, reason, performance.now() - started, job.upstreamDifficulty, Date.now());
    if (verdict.accepted || reason === "timeout" || reason === "disconnected") u.consecutiveRejects = 0;
    else if (++u.consecutiveRejects >= p.breaker.rejectStorm && u.session === job.upstream) {
      u.consecutiveRejects = 0;
      log.warn("upstream rejects every share, reconnecting", { upstream: u.config.name, rejected: p.breaker.rejectStorm });
      job.upstream.abandon("reject storm");
    }
    return verdict;
  }

  const admission = new IpAdmission(config.stratum, Date.now());
  const hub: Omit<ProxyHub, "port"> = {
    config, log, nonces,
    current: () => current,
    lookup: (id) => book.get(id),
    forward,
    onBanned(ip) {
      log.warn("banned for invalid shares or requests", { ip, seconds: config.stratum.ban.durationSeconds });
      admission.ban(ip, miners);
    },
  };

  const listeners: Array<ReturnType<typeof listen<MinerConnection>>> = [];
  try {
    for (const port of config.stratum.ports) {
      const ctx: ProxyHub = { ...hub, port };
      listeners.push(listen({
        host: config.stratum.host, port, stratum: config.stratum, log, admission,
        open(output, ip) {
          const conn = new MinerConnection(ctx, output, ip, Date.now());
          miners.add(conn);
          evaluate();
          return conn;
        },
        closed(conn) {
          miners.delete(conn);
          evaluate();
        },
      }));
    }
  } catch (err) {
    for (const l of listeners) l.stop(true);
    throw new Error(`proxy could not listen: ${(err as Error).message}`);
  }
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const m of miners) m.tick(now);
    admission.tick(now);
    evaluate();
  }, opts.tickMs ?? 1_000);
  log.info("proxy listening", { host: config.stratum.host, ports: listeners.map((l, i) => describePort(l.port, config.stratum.ports[i]!)).join(","), upstreams: ups.map((u) => u.config.name).join(",") });

  return {
    ports: listeners.map((l) => l.port),
    status: () => buildStatus({ ups, active, miners, nonces, scheduled: upstreamAt(p, clock()), now: Date.now(), clock: clock() }),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      for (const l of listeners) l.stop(true);
      for (const m of miners) m.release();
      miners.clear();
      for (const u of ups) {
        idle(u);
        u.session?.close();
      }
    },
  };
}
