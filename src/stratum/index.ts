// The stratum service: a listener per configured port, template followers, shared extranonces, bans and stats.

import { createLogger, type Logger } from "../common/log.ts";
import { difficultyFloor, floorPort } from "../config/difficultyFloor.ts";
import type { Config } from "../config/types.ts";
import type { BlockSubmitter } from "../node/blockSubmitter.ts";
import type { NodeClient } from "../node/client.ts";
import type { ShareSink } from "../shares/types.ts";
import { TemplateHub } from "../templates/index.ts";
import { IpAdmission } from "./admission.ts";
import { BlockHandovers } from "./blockHandovers.ts";
import { StratumConnection } from "./connection.ts";
import { ExtranonceAllocator } from "./extranonce.ts";
import { silentObserver, type StratumObserver } from "./observer.ts";
import { describePort, listen } from "./server.ts";
import { StatsCounters, type StratumStats, type WorkerStats } from "./stats.ts";

export type { StratumStats, WorkerStats } from "./stats.ts";
export type { StratumObserver } from "./observer.ts";

export interface StratumOptions {
  config: Config;
  /** Template traffic. */
  node: NodeClient;
  /** Found blocks, on connections of their own to every node. */
  submitter: BlockSubmitter;
  sink: ShareSink;
  log?: Logger;
  /** Measures how old work is (stratum.staleJobSeconds); tests inject one to step over an outage. */
  clock?: () => number;
  /** Hears shares, blocks and connections as they happen (metrics). */
  observer?: StratumObserver;
}

export interface Stratum {
  /** Bound ports, in config order (a configured port 0 becomes the ephemeral port the OS chose). */
  readonly ports: number[];
  /** IPs banned right now. */
  bannedIps(): number;
  stop(): Promise<void>;
  stats(): StratumStats;
  /** False once the pool's template has not been renewed for stratum.staleJobSeconds (true without PPLNS ports). */
  templatesFresh(): boolean;
}

/**
 * How long stop waits for the nodes' answer to a block found just before: a submission ends by the request timeout,
 * so with a margin for a busy event loop it is answered or unanswered by then. Capped at half the pool's 30 s
 * shutdown bound (run.ts), so a long request timeout cannot push the stop past it; a block cut off at the cap is
 * still recorded, as unanswered, and resubmitted at the next start.
 */
const blockWaitMs = (config: Config) => Math.min(config.node.requestTimeoutMs + 1_000, 15_000);

/** Written into every coinbase after the node's version, so blocks can be attributed to the pool software. */
const COINBASE_TAG = "kaspool";

export async function startStratum(opts: StratumOptions): Promise<Stratum> {
  const { config, node, submitter, sink } = opts;
  const log = opts.log ?? createLogger("stratum");
  const s = config.stratum;
  const observer = opts.observer ?? silentObserver;
  const hub = new TemplateHub({
    node, cacheSize: s.templates.cacheSize, extraData: COINBASE_TAG, log: log.child("templates"), clock: opts.clock,
    solo: { maxAddresses: s.solo.maxAddresses, cacheSize: s.solo.cacheSize, lingerMs: s.solo.lingerSeconds * 1000, refreshMs: s.jobThrottleMs },
    staleMs: s.staleJobSeconds * 1000,
    onBroadcast: (job, seconds) => observer.jobBroadcast(job.networkDifficulty, job.header.daaScore, seconds),
  });
  // PPLNS miners all mine the pool's template: keep it followed even while no miner is connected.
  const poolAddress = config.treasury.address;
  const followsPool = s.ports.some((p) => p.mode === "pplns");
  const poolFollower = followsPool ? hub.acquire(poolAddress, false) : null;

  const extranonces = new ExtranonceAllocator(s.extranonceSize);
  const blocks = new BlockHandovers();
  const counters = new StatsCounters(Date.now());
  const admission = new IpAdmission(s, Date.now());
  const connections = new Set<StratumConnection>();
  const onBanned = (ip: string) => {
    log.warn("banned for invalid shares or requests", { ip, seconds: s.ban.durationSeconds });
    admission.ban(ip, connections);
  };

  const listeners: Array<ReturnType<typeof listen>> = [];
  try {
    const floor = difficultyFloor(config);
    for (const port of s.ports) {
      const ctx = { config, port: floorPort(port, floor), submitter, blocks, sink, hub, extranonces, stats: counters, observer, portLabel: String(port.port), log, onBanned };
      const listener = listen({
        host: s.host, port: ctx.port, stratum: s, log, admission,
        open(output, ip) {
          const conn = new StratumConnection(ctx, output, ip, Date.now());
          connections.add(conn);
          observer.connected(ctx.portLabel);
          return conn;
        },
        closed(conn, byUs) {
          connections.delete(conn);
          observer.disconnected(ctx.portLabel, byUs ? "pool" : "miner");
        },
      });
      ctx.portLabel = String(listener.port);
      listeners.push(listener);
    }
  } catch (err) {
    for (const l of listeners) l.stop(true);
    await hub.stop();
    throw new Error(`stratum could not listen: ${(err as Error).message}`);
  }
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.tick(now);
    admission.tick(now);
  }, 1_000);
  log.info("stratum listening", { host: s.host, ports: listeners.map((l, i) => describePort(l.port, s.ports[i]!)).join(",") });

  let stopped = false;
  return {
    ports: listeners.map((l) => l.port),
    bannedIps: () => admission.banned,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      for (const l of listeners) l.stop(true);
      for (const c of connections) c.release();
      connections.clear();
      // A block found just now is still with the nodes: handed to the sink before accounting stops (issue 7).
      await Promise.all([blocks.drain(blockWaitMs(config)), hub.stop()]);
    },
    templatesFresh: () => !poolFollower || (poolFollower.latest !== null && !poolFollower.isStale()),
    stats(): StratumStats {
      const now = Date.now();
      const workers = new Map<string, WorkerStats>();
      for (const c of connections) {
        const w = c.worker;
        if (!w) continue;
        const key = `${w.address}.${w.worker}`;
        const entry = workers.get(key) ?? {
          address: w.address, worker: w.worker, mode: w.mode, connections: 0, difficulty: 0, hashrate: 0, accepted: 0, rejected: 0,
        };
        entry.connections++;
        entry.difficulty = Math.max(entry.difficulty, w.difficulty);
        entry.hashrate += c.meter.rate(now);
        entry.accepted += c.accepted;
        entry.rejected += c.rejected;
        workers.set(key, entry);
      }
      return {
        connections: connections.size,
        workers: [...workers.values()],
        hashrate: counters.pool.rate(now),
        hashrate1m: counters.poolShort.rate(now),
        shares: { accepted: counters.accepted, rejected: { ...counters.rejected } },
        blocks: { ...counters.blocks },
        templates: { followers: hub.followerCount, soloFollowers: hub.soloFollowerCount, jobs: hub.jobCount },
      };
    },
  };
}
