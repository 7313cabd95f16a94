// The stratum service: a listener per configured port, template followers, shared extranonces, bans and stats.

import { createLogger, type Logger } from "../common/log.ts";
import { difficultyFloor, floorPort } from "../config/difficultyFloor.ts";
import type { Config } from "../config/types.ts";
import type { BlockSubmitter } from "../node/blockSubmitter.ts";
import type { NodeClient } from "../node/client.ts";
import type { ShareSink } from "../shares/types.ts";
import { TemplateHub } from "../templates/index.ts";
import { BanList } from "./bans.ts";
import type { StratumConnection } from "./connection.ts";
import { ExtranonceAllocator } from "./extranonce.ts";
import { silentObserver, type StratumObserver } from "./observer.ts";
import { listen, type Admission } from "./server.ts";
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

/** Written into every coinbase after the node's version, so blocks can be attributed to the pool software. */
const COINBASE_TAG = "kaspool";
/** Expired bans are dropped this often; a scan of every ban each second would cost more than it frees. */
const BAN_PRUNE_MS = 60_000;

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
  const counters = new StatsCounters(Date.now());
  const bans = new BanList(s.ban.durationSeconds);
  const perIp = new Map<string, number>();
  const connections = new Set<StratumConnection>();

  const admission: Admission = {
    admit(ip) {
      if (bans.isBanned(ip, Date.now())) return false;
      const n = perIp.get(ip) ?? 0;
      if (n >= s.maxConnectionsPerIp) return false;
      perIp.set(ip, n + 1);
      return true;
    },
    leave(ip) {
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    },
  };
  const onBanned = (conn: StratumConnection) => {
    bans.ban(conn.remoteAddress, Date.now());
    log.warn("banned for invalid shares or requests", { ip: conn.remoteAddress, seconds: s.ban.durationSeconds });
    for (const c of connections) if (c.remoteAddress === conn.remoteAddress) c.close();
  };

  const listeners: Array<ReturnType<typeof listen>> = [];
  try {
    const floor = difficultyFloor(config);
    for (const port of s.ports) {
      const ctx = { config, port: floorPort(port, floor), submitter, sink, hub, extranonces, stats: counters, observer, portLabel: String(port.port), log, onBanned };
      const listener = listen({ host: s.host, ctx, admission, connections });
      ctx.portLabel = String(listener.port);
      listeners.push(listener);
    }
  } catch (err) {
    for (const l of listeners) l.stop(true);
    await hub.stop();
    throw new Error(`stratum could not listen: ${(err as Error).message}`);
  }
  let lastPrune = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.tick(now);
    if (now - lastPrune >= BAN_PRUNE_MS) {
      lastPrune = now;
      bans.prune(now);
    }
  }, 1_000);
  const described = listeners.map((l, i) => `${l.port}${s.ports[i]!.tls ? " (tls)" : ""}${s.ports[i]!.proxyProtocol ? " (proxy protocol)" : ""}`);
  log.info("stratum listening", { host: s.host, ports: described.join(",") });

  let stopped = false;
  return {
    ports: listeners.map((l) => l.port),
    bannedIps: () => bans.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      for (const l of listeners) l.stop(true);
      for (const c of connections) c.release();
      connections.clear();
      await hub.stop();
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
