// Load generator for bench/stratum.ts, run as its own process. It opens N stratum connections, precomputes
// valid shares for one job (so that submitting costs it almost no CPU), waits for "go" on stdin, then runs
// a fixed-rate phase and a max-load phase, and finally times the arrival of the next job on every connection.
// Results go to stdout as JSON lines (LoadgenEvent).

import { parseArgs } from "node:util";
import { parseJson } from "../../src/common/json.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { decodeJobParams, type MinerJob } from "../../src/miner/jobParams.ts";
import { LineSocket, parseStratumUrl } from "../../src/miner/lineSocket.ts";
import { formatNonce } from "../../src/miner/nonce.ts";
import { nowMs, percentile, type FanoutResult, type LoadgenEvent, type PhaseResult } from "./stats.ts";
import type { ValidNoncesRequest } from "./validNonces.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    user: { type: "string" },
    connections: { type: "string" },
    rate: { type: "string" },
    seconds: { type: "string" },
    "max-nonces": { type: "string" },
  },
  strict: true,
});
const address = parseStratumUrl(values.url!);
const CONNECTIONS = Number(values.connections);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const MAX_NONCES = Number(values["max-nonces"]);
const CONNECT_BATCH = 250;
const AGENT = "kaspool-bench/0.1";
/** Above the pool's default stratum.jobThrottleMs (250). */
const THROTTLE_GAP_MS = 300;

function emit(e: LoadgenEvent): void {
  process.stdout.write(JSON.stringify(e) + "\n");
}

function fail(message: string): never {
  emit({ event: "error", message });
  process.exit(1);
}

interface Recorder {
  latencies: number[];
  sentAt: number[];
  accepted: number;
  rejected: number;
  reasons: Record<string, number>;
  /** Called after each reply, with the connection it came on. */
  onReply?: (c: Conn) => void;
}

interface Conn {
  index: number;
  sock: LineSocket;
  nextId: number;
  pending: Map<number, number>;
  difficulty: number;
  lastJob: string | null;
}

const conns: Conn[] = [];
const jobs = new Map<string, MinerJob>();
const arrivals = new Map<string, FanoutResult>();
let recorder: Recorder | null = null;
let outstanding = 0;

// The job id of a notify line, read without parsing it: 10,000 lines per job must not make the generator
// the slowest part of the fan-out measurement.
const NOTIFY_JOB_ID = /"method":"mining\.notify".*?"params":\["([^"]+)"/;

function onNotify(c: Conn, line: string, id: string): void {
  const t = nowMs();
  if (!jobs.has(id)) jobs.set(id, decodeJobParams((parseJson(line) as { params: unknown }).params, "words"));
  const a = arrivals.get(id);
  if (a) (a.lastMs = t), a.received++;
  else arrivals.set(id, { jobId: id, firstMs: t, lastMs: t, received: 1 });
  c.lastJob = id;
}

function onLine(c: Conn, line: string): void {
  const notify = NOTIFY_JOB_ID.exec(line);
  if (notify) return onNotify(c, line, notify[1]!);
  const msg = JSON.parse(line) as { id?: number; method?: string; params?: unknown[]; result?: unknown; error?: unknown };
  if (msg.method === "mining.notify") {
    fail(`unexpected notify layout: ${line.slice(0, 120)}`);
  } else if (msg.method === "mining.set_difficulty") {
    c.difficulty = Number(msg.params![0]);
  } else if (msg.method === "mining.set_extranonce" || msg.method === "set_extranonce") {
    if (msg.params![0] !== "") fail("the bench needs stratum.extranonceSize 0 (its precomputed nonces carry no extranonce)");
  } else if (typeof msg.id === "number") {
    const sentAt = c.pending.get(msg.id);
    if (sentAt === undefined) {
      if (msg.id === 2 && msg.result !== true) fail(`pool refused the authorize: ${line}`);
      return;
    }
    c.pending.delete(msg.id);
    outstanding--;
    if (!recorder) return;
    recorder.latencies.push(nowMs() - sentAt);
    recorder.sentAt.push(sentAt);
    if (msg.result === true) recorder.accepted++;
    else {
      recorder.rejected++;
      const reason = JSON.stringify(msg.error);
      recorder.reasons[reason] = (recorder.reasons[reason] ?? 0) + 1;
    }
    recorder.onReply?.(c);
  }
}

async function connectAll(user: string): Promise<void> {
  for (let start = 0; start < CONNECTIONS; start += CONNECT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(CONNECTIONS, start + CONNECT_BATCH); i++) {
      batch.push(
        (async () => {
          const c = { index: i, nextId: 3, pending: new Map(), difficulty: 0, lastJob: null } as unknown as Conn;
          c.sock = await LineSocket.connect(address, {
            line: (text) => onLine(c, text),
            closed: (reason) => fail(`connection ${i} closed: ${reason}`),
          });
          c.sock.send(JSON.stringify({ id: 1, method: "mining.subscribe", params: [AGENT] }) + "\n");
          c.sock.send(JSON.stringify({ id: 2, method: "mining.authorize", params: [`${user}.w${i}`, "x"] }) + "\n");
          conns[i] = c;
        })(),
      );
    }
    await Promise.all(batch);
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

async function precompute(job: MinerJob, target: bigint, count: number): Promise<BigUint64Array> {
  const threads = navigator.hardwareConcurrency;
  const per = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const worker = new Worker(new URL("./validNonces.ts", import.meta.url).href);
      const req: ValidNoncesRequest = { prePowHash: job.prePowHash, timestamp: job.timestamp, target, start: BigInt(i) << 60n, count: per };
      return new Promise<BigUint64Array>((resolve) => {
        worker.onmessage = (e: MessageEvent<BigUint64Array>) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.postMessage(req);
      });
    }),
  );
  const all = new BigUint64Array(per * threads);
  parts.forEach((p, i) => all.set(p, i * per));
  return all;
}

let user = "";
let jobId = "";
let nonces: BigUint64Array = new BigUint64Array(0);
let used = 0;

function submit(c: Conn): boolean {
  if (used >= nonces.length) return false;
  const id = c.nextId++;
  c.pending.set(id, nowMs());
  outstanding++;
  c.sock.send(`{"id":${id},"method":"mining.submit","params":["${user}.w${c.index}","${jobId}","${formatNonce(nonces[used++]!)}"]}\n`);
  return true;
}

function summarise(r: Recorder, sent: number, seconds: number, offered: number | null, jobsBefore: number, cpuUsed: NodeJS.CpuUsage): PhaseResult {
  const sorted = Float64Array.from(r.latencies).sort();
  const broadcasts = [...arrivals.values()].slice(jobsBefore);
  const quiet = r.latencies.filter((lat, i) => {
    const from = r.sentAt[i]!;
    return !broadcasts.some((b) => from <= b.lastMs && from + lat >= b.firstMs);
  });
  return {
    generatorCpuPercent: ((cpuUsed.user + cpuUsed.system) / 1000 / (seconds * 1000)) * 100,
    p99OutsideBroadcastsMs: percentile(Float64Array.from(quiet).sort(), 99),
    offeredPerSecond: offered, sent, accepted: r.accepted, rejected: r.rejected, seconds,
    acceptedPerSecond: r.accepted / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), rejectReasons: r.reasons,
    jobsBroadcast: arrivals.size - jobsBefore,
  };
}

async function fixedPhase(): Promise<PhaseResult> {
  const r: Recorder = (recorder = { latencies: [], sentAt: [], accepted: 0, rejected: 0, reasons: {} });
  const jobsBefore = arrivals.size;
  const cpu = process.cpuUsage();
  const start = nowMs();
  let sent = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = nowMs() - start;
      const due = Math.min(Math.floor((elapsed / 1000) * RATE), RATE * SECONDS);
      while (sent < due && submit(conns[next]!)) sent++, (next = (next + 1) % CONNECTIONS);
      if (elapsed >= SECONDS * 1000) clearInterval(timer), resolve();
    }, 1);
  });
  const cpuUsed = process.cpuUsage(cpu);
  await until(() => outstanding === 0, 30_000, "fixed-phase replies");
  recorder = null;
  return summarise(r, sent, SECONDS, RATE, jobsBefore, cpuUsed);
}

// Every connection keeps a small window of submits in flight, refilled on each reply, until time is up.
async function maxPhase(): Promise<PhaseResult> {
  const window = Math.max(1, Math.ceil(2000 / CONNECTIONS));
  const jobsBefore = arrivals.size;
  const cpu = process.cpuUsage();
  const start = nowMs();
  const deadline = start + SECONDS * 1000;
  let sent = 0;
  let acceptedInTime = 0;
  const r: Recorder = (recorder = {
    latencies: [], sentAt: [], accepted: 0, rejected: 0, reasons: {},
    onReply: (c) => {
      if (nowMs() < deadline) {
        acceptedInTime = r.accepted;
        if (submit(c)) sent++;
      }
    },
  });
  for (const c of conns) for (let k = 0; k < window; k++) if (submit(c)) sent++;
  await until(() => nowMs() >= deadline || used >= nonces.length, SECONDS * 1000 + 1000, "max phase");
  const seconds = (Math.min(nowMs(), deadline) - start) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  await until(() => outstanding === 0, 30_000, "max-phase replies");
  recorder = null;
  const result = summarise(r, sent, seconds, null, jobsBefore, cpuUsed);
  return { ...result, acceptedPerSecond: acceptedInTime / seconds };
}

async function main(): Promise<void> {
  user = values.user!;
  const t0 = nowMs();
  await connectAll(user);
  await until(() => conns.every((c) => c.lastJob !== null && c.difficulty > 0), 60_000, "a job on every connection");
  const connectMs = nowMs() - t0;
  // The newest job every connection has received.
  await until(() => arrivals.get(conns[0]!.lastJob!)!.received === CONNECTIONS, 10_000, "one job on all connections");
  jobId = conns[0]!.lastJob!;
  const t1 = nowMs();
  nonces = await precompute(jobs.get(jobId)!, difficultyToTarget(conns[0]!.difficulty), RATE * SECONDS + MAX_NONCES);
  emit({ event: "ready", connections: CONNECTIONS, nonces: nonces.length, connectMs, precomputeMs: nowMs() - t1 });

  const stdin = console[Symbol.asyncIterator]();
  await stdin.next();
  emit({ event: "phase", name: "fixed", result: await fixedPhase() });
  emit({ event: "phase", name: "max", result: await maxPhase() });

  const seen = new Set(arrivals.keys());
  emit({ event: "awaiting-job" });
  // A job that starts within the pool's per-miner job throttle of the previous one is held back by design on
  // the connections that just had a job, so its spread is the throttle (250 ms), not the broadcast: time the
  // first new job that began at least THROTTLE_GAP_MS after the previous job had reached every connection.
  let fresh: FanoutResult | undefined;
  await until(() => {
    const all = [...arrivals.values()];
    fresh = all.find((a, i) => !seen.has(a.jobId) && a.received === CONNECTIONS && i > 0 && a.firstMs - all[i - 1]!.lastMs >= THROTTLE_GAP_MS);
    return fresh !== undefined;
  }, 20_000, "an unthrottled job on every connection");
  emit({ event: "fanout", result: fresh ?? null });
  process.exit(0);
}

main().catch((err) => fail((err as Error).message));
