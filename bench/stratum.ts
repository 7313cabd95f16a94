// Stratum server benchmark: bun run bench/stratum.ts [--connections 1000,10000] [--seconds 3]
//
// This process runs the real server (startStratum) with a real devnet, a NodeClient and the in-memory
// ShareSink; a separate process (bench/lib/loadgen.ts) plays N miners over loopback TCP. The share
// difficulty is the lowest the config allows (1e-9), so about one nonce in four is a valid share: the
// generator finds them before the clock starts, and the server still runs the full kHeavyHash check on each.
// The devnet's network difficulty is huge, so no share is a block. Besides shares/s, which on a shared machine
// mostly says how much of a core the server got, it prints the server's CPU time per accepted share.
//
// Open files: the server and the generator each need one descriptor per connection; `ulimit -n` must be above
// the largest --connections (it is 20000 on the bench machine).

import { parseArgs } from "node:util";
import { silentLogger } from "../src/common/log.ts";
import { defaults } from "../src/config/defaults.ts";
import { configSchema } from "../src/config/schema.ts";
import { checkSemantics } from "../src/config/semantics.ts";
import type { Config } from "../src/config/types.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { BlockSubmitter } from "../src/node/blockSubmitter.ts";
import { NodeClient } from "../src/node/client.ts";
import { MemoryShareSink } from "../src/shares/memory.ts";
import { startStratum } from "../src/stratum/index.ts";
import { type FanoutResult, type LoadgenEvent, type PhaseResult } from "./lib/stats.ts";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "1000,10000" }, seconds: { type: "string", default: "3" } },
  strict: true,
});
const COUNTS = values.connections.split(",").map(Number);
const SECONDS = Number(values.seconds);
if (COUNTS.some((n) => !Number.isInteger(n) || n < 1) || !(SECONDS > 0)) {
  console.error("usage: bun run bench/stratum.ts [--connections 1000,10000] [--seconds 3]");
  process.exit(2);
}
const FIXED_RATE = 5000;
// Valid shares precomputed for the max-load phase; more than the server can take in SECONDS.
const MAX_NONCES = 100_000 * SECONDS;
// One template every 2 s: the job stays put during a phase, and there is a fresh one to time the fan-out with.
const DEVNET_BPS = 0.5;

function benchConfig(): Config {
  const config = configSchema.parse({
    ...defaults,
    stratum: {
      ...defaults.stratum,
      host: "127.0.0.1",
      ports: [{ port: 0, mode: "pplns", difficulty: 1e-9, vardiff: false, encoding: "words" }],
      // The generator's precomputed nonces carry no extranonce.
      extranonceSize: 0,
      maxConnectionsPerIp: 100_000,
      idleTimeoutSeconds: 3600,
      ban: { ...defaults.stratum.ban, enabled: false },
      // The generator floods on purpose: the per-connection cap would close it.
      shareRateCap: { ...defaults.stratum.shareRateCap, fixedSharesPerMinute: 1e12 },
    },
  });
  const problem = checkSemantics(config);
  if (problem) throw new Error(problem);
  return config;
}

async function idleRss(): Promise<number> {
  Bun.gc(true);
  await Bun.sleep(200);
  Bun.gc(true);
  return process.memoryUsage().rss;
}

interface CpuMark {
  cpu: NodeJS.CpuUsage;
  at: number;
}

const cpuMark = (): CpuMark => ({ cpu: process.cpuUsage(), at: performance.now() });

/** This process's CPU since `mark`: as a share of one core, and in µs per accepted share. */
function cpuSince(mark: CpuMark, accepted: number): PhaseCpu {
  const used = process.cpuUsage(mark.cpu);
  const us = used.user + used.system;
  return { percent: (us / 1000 / (performance.now() - mark.at)) * 100, usPerShare: us / accepted };
}

interface PhaseCpu {
  percent: number;
  usPerShare: number;
}

interface RunResult {
  connections: number;
  connectMs: number;
  fixed: PhaseResult;
  max: PhaseResult;
  /** First to last arrival of one new job over all connections, measured by the generator on an idle server. */
  fanout: FanoutResult;
  rssPerConnectionBytes: number;
  /**
   * CPU time of this process (server + devnet) over each phase. At max load ~100% means the server is the
   * bottleneck; µs per accepted share barely moves with the machine's load, unlike shares/s, so it is what tells
   * two builds apart on a shared machine.
   */
  serverCpu: Record<"fixed" | "max", PhaseCpu>;
  sinkShares: number;
}

async function run(connections: number): Promise<RunResult> {
  const devnet = await startDevnet({ port: 0, bps: DEVNET_BPS, difficulty: 1e15 });
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected();
  const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  const sink = new MemoryShareSink();
  const stratum = await startStratum({ config: benchConfig(), node, submitter, sink, log: silentLogger });
  const rss0 = await idleRss();

  const proc = Bun.spawn(
    [process.execPath, "run", new URL("./lib/loadgen.ts", import.meta.url).pathname,
      "--url", `stratum+tcp://127.0.0.1:${stratum.ports[0]}`, "--user", defaults.treasury.address,
      "--connections", String(connections), "--rate", String(FIXED_RATE), "--seconds", String(SECONDS),
      "--max-nonces", String(MAX_NONCES)],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit" },
  );
  const out: Partial<RunResult> = { connections };
  let rss1 = 0;
  let mark = cpuMark();
  const serverCpu: Partial<RunResult["serverCpu"]> = {};
  try {
    let buffered = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const e = JSON.parse(buffered.slice(0, nl)) as LoadgenEvent;
        buffered = buffered.slice(nl + 1);
        if (e.event === "error") throw new Error(`load generator: ${e.message}`);
        if (e.event === "ready") {
          out.connectMs = e.connectMs;
          await Bun.sleep(1000);
          rss1 = await idleRss();
          mark = cpuMark();
          proc.stdin.write("go\n");
          proc.stdin.flush();
        } else if (e.event === "phase") {
          out[e.name] = e.result;
          serverCpu[e.name] = cpuSince(mark, e.result.accepted);
          // The max phase starts right after the fixed one reports.
          mark = cpuMark();
        } else if (e.event === "fanout" && e.result) {
          out.fanout = e.result;
        }
      }
    }
    if ((await proc.exited) !== 0 || !out.fanout) throw new Error("load generator did not finish");
  } finally {
    proc.kill();
    await stratum.stop();
    await submitter.close();
    await node.close();
    await devnet.stop();
  }
  out.serverCpu = serverCpu as RunResult["serverCpu"];
  out.rssPerConnectionBytes = (rss1 - rss0) / connections;
  out.sinkShares = sink.shares.length;
  return out as RunResult;
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

console.log(`stratum bench: ${navigator.hardwareConcurrency} cores, ${SECONDS} s per phase, share difficulty 1e-9, loopback`);
for (const n of COUNTS) {
  const r = await run(n);
  console.log(`\n${n} connections (connected and first job in ${f1(r.connectMs)} ms)`);
  const phase = (p: PhaseResult) =>
    `p50 ${f2(p.p50Ms)} ms, p99 ${f2(p.p99Ms)} ms (${f2(p.p99OutsideBroadcastsMs)} ms outside the ${p.jobsBroadcast} job broadcasts of the phase;` +
    ` ${p.accepted} accepted, ${p.rejected} rejected)`;
  console.log(`  max load:        ${Math.round(r.max.acceptedPerSecond)} accepted shares/s, ${phase(r.max)};` +
    ` CPU of one core: server ${Math.round(r.serverCpu.max.percent)}%, load generator ${Math.round(r.max.generatorCpuPercent)}%`);
  console.log(`  ${FIXED_RATE} shares/s:  ${phase(r.fixed)}`);
  console.log(`  server CPU:      ${f2(r.serverCpu.max.usPerShare)} µs per accepted share at max load, ${f2(r.serverCpu.fixed.usPerShare)} µs at ${FIXED_RATE} shares/s`);
  console.log(`  job fan-out:     ${f1(r.fanout.lastMs - r.fanout.firstMs)} ms from the first to the last connection receiving one job`);
  console.log(`  idle memory:     ${f2(r.rssPerConnectionBytes / 1024)} KB RSS per connection`);
  const rejects = { ...r.fixed.rejectReasons, ...r.max.rejectReasons };
  if (Object.keys(rejects).length) console.log(`  rejections:      ${JSON.stringify(rejects)}`);
  if (r.sinkShares !== r.fixed.accepted + r.max.accepted) {
    console.log(`  WARNING: the sink holds ${r.sinkShares} shares, the generator saw ${r.fixed.accepted + r.max.accepted} accepted`);
  }
}
process.exit(0);
