// Real Prometheus and a real Pushgateway (Debian's packages) against a devnet pool with CPU miners: Prometheus
// scrapes the pool's /metrics and the gateway the pool pushes to, and its HTTP query API must show the counters
// moving, share and block figures equal to the database's, the pushed group, and bounded label cardinality.

import { expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { PoolMetrics, startPushing } from "../../src/metrics/index.ts";
import { groupUrl } from "../../src/metrics/push.ts";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { startPoolAccounting } from "../../src/pool/index.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { freePort } from "../common/ports.ts";
import { scratch } from "../common/scratch.ts";
import { testPrometheusConfig } from "./promConfig.ts";

const PROMETHEUS = "/usr/bin/prometheus";
const PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";
const present = existsSync(PROMETHEUS) && existsSync(PUSHGATEWAY);
if (!present) console.warn(`SKIP prometheus e2e: ${PROMETHEUS} or ${PUSHGATEWAY} is missing (apt-get install prometheus prometheus-pushgateway)`);

const files = scratch("prom");
const tmp = files.dir;

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

interface Sample { metric: Record<string, string>; value: [number, string] }

test.skipIf(!present)("Prometheus sees the pool's counters move, its figures equal the database's, the pushed group, and bounded labels", async () => {
  // The scrape target listens first, on a port of its own: probed ports can collide once released.
  let scrape: () => Promise<Response> = async () => new Response("", { status: 503 });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => scrape() });
  const metricsPort = server.port;
  const promPort = freePort();
  let gatewayPort = freePort();
  while (gatewayPort === promPort || gatewayPort === metricsPort) gatewayPort = freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  // The repo's scrape config, its targets rewritten to the ports started here.
  const prom = testPrometheusConfig(join(import.meta.dir, "../.."), { metrics: `127.0.0.1:${metricsPort}`, gateway: `127.0.0.1:${gatewayPort}` });
  const job = prom.poolJob;
  writeFileSync(join(tmp, "prometheus.yml"), prom.yaml);
  files.child(Bun.spawn([PUSHGATEWAY, `--web.listen-address=127.0.0.1:${gatewayPort}`], { stdout: "ignore", stderr: "ignore" }));
  files.child(Bun.spawn([
    PROMETHEUS, `--config.file=${join(tmp, "prometheus.yml")}`, `--storage.tsdb.path=${join(tmp, "tsdb")}`,
    `--web.listen-address=127.0.0.1:${promPort}`, "--web.console.templates=/nonexistent", "--web.console.libraries=/nonexistent",
  ], { stdout: "ignore", stderr: Bun.file(join(tmp, "prometheus.log")) }));

  const devnet = await startDevnet({ port: 0, bps: 20, difficulty: 3e-5, redRatio: 0, maturity: 5, seed: 11, log: silentLogger });
  const config = configSchema.parse({
    ...defaults,
    node: { urls: [devnet.url], requestTimeoutMs: 3_000 },
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 2e-7, vardiff: false }],
      shareRateCap: { windowSeconds: 10, overTarget: 10, fixedSharesPerMinute: 1e12 } },
    treasury: { ...defaults.treasury, coinbaseMaturity: 5 },
    metrics: { workerSeries: true, maxWorkerSeries: 2, pushIntervalSeconds: 1, legacyNames: true },
  });
  const metrics = new PoolMetrics(config);
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000, onRequest: metrics.rpc });
  node.on("disconnected", metrics.nodeDisconnected);
  metrics.attach({ node });
  const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000 });
  node.start();
  submitter.start();
  const db = await openDatabase({ url: null, embeddedPath: join(tmp, "db") });
  const accounting = await startPoolAccounting({
    db, node, config, log: silentLogger, spoolPath: join(tmp, "shares.spool"), pollMs: 200, onShareBatch: metrics.shareBatch,
  });
  metrics.attach({ db, backlog: accounting.backlog });
  scrape = () => metrics.response();
  const miners: Miner[] = [];
  let stratum: Awaited<ReturnType<typeof startStratum>> | null = null;
  let pusher: ReturnType<typeof startPushing> | null = null;
  let accountingStopped = false;
  try {
    await node.waitConnected(3_000);
    stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger, observer: metrics.stratum });
    metrics.attach({ stratum });
    pusher = startPushing({ url: gatewayUrl, registry: metrics.registry, intervalMs: 1_000, instance: "e2e-pool", log: silentLogger });

    const query = async (q: string): Promise<Sample[]> => {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { status: string; data: { result: Sample[] } };
      expect(body.status).toBe("success");
      return body.data.result;
    };
    const scalar = async (q: string) => {
      const r = await query(q);
      return r.length ? Number(r[0]!.value[1]) : NaN;
    };
    await waitFor("prometheus", async () => (await fetch(`${promUrl}/-/ready`)).ok).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${prom.file} rewritten to:\n${prom.yaml}\n${await Bun.file(join(tmp, "prometheus.log")).text()}`);
    });

    // Five workers on three addresses, against a cap of two worker series.
    const url = `stratum+tcp://127.0.0.1:${stratum.ports[0]}`;
    const addresses = [DEVNET_POOL_ADDRESS, encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0xa1)), encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0xb0))];
    for (let i = 0; i < 5; i++) miners.push(await startMiner({ url, user: `${addresses[i % 3]}.rig${i}` }));
    const countBlocks = async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM blocks"))[0]!.n);
    await waitFor("three blocks", async () => (await countBlocks()) >= 3, 40_000);
    const firstAccepted = await waitFor("a scraped share count", async () => {
      const v = await scalar(`sum(kaspool_shares_accepted_total{job="${job}"})`);
      return v > 0 ? v : null;
    });
    // Awaited, not slept on: a scrape the loaded test process answers later than its 1 s timeout is simply missed.
    await waitFor("the scraped share count to move", async () =>
      (await scalar(`sum(kaspool_shares_accepted_total{job="${job}"})`)) > firstAccepted);
    // Five workers of three addresses, read from the live connections at scrape time.
    await waitFor("workers and miners active", async () =>
      (await scalar(`kaspool_workers_active{job="${job}",mode="pplns"}`)) === 5 && (await scalar(`kaspool_miners_active{job="${job}",mode="pplns"}`)) === 3);
    expect(await scalar(`kaspool_pool_hashrate_hashes_per_second{job="${job}",mode="pplns"}`)).toBeGreaterThan(0);
    expect(await scalar(`sum(kaspool_stratum_connections{job="${job}"})`)).toBe(5);

    const ports = stratum.ports.map(String);
    for (const m of miners.splice(0)) await m.stop();
    await stratum.stop();
    stratum = null;
    // Stopped, so the database holds still: the recorder has flushed and the tracker no longer moves blocks on.
    await accounting.stop();
    accountingStopped = true;
    const [dbShares, dbBlocks] = await Promise.all([
      db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares"),
      db.query<{ mode: string; status: string; n: string }>("SELECT mode, status, count(*)::text AS n FROM blocks GROUP BY mode, status"),
    ]);
    const sharesInDb = Number(dbShares[0]!.n);
    const blocksInDb = dbBlocks.reduce((s, b) => s + Number(b.n), 0);
    // Once the pool is idle, a fresh scrape must carry exactly the database's counts.
    let seen = "";
    await waitFor("the scraped figures to equal the database's", async () => {
      const got = [
        await scalar(`sum(kaspool_shares_accepted_total{job="${job}"})`),
        await scalar(`sum(kaspool_blocks_found_total{job="${job}"})`),
        await scalar(`sum(kaspool_blocks{job="${job}"})`),
      ];
      seen = `prometheus ${got.join("/")}, database ${sharesInDb}/${blocksInDb}/${await countBlocks()}`;
      return got[0] === sharesInDb && got[1] === blocksInDb && got[2] === blocksInDb;
    }, 15_000).catch((e) => {
      throw new Error(`${(e as Error).message} (${seen})`);
    });
    for (const b of await db.query<{ mode: string; status: string; n: string }>("SELECT mode, status, count(*)::text AS n FROM blocks GROUP BY mode, status")) {
      await waitFor(`blocks{${b.status}}`, async () => (await scalar(`kaspool_blocks{job="${job}",mode="${b.mode}",status="${b.status}"}`)) === Number(b.n), 10_000);
    }
    expect(await scalar(`sum(kaspool_accepted_work_hashes_total{job="${job}"})`)).toBeGreaterThan(0);
    expect(await scalar(`sum(kaspool_share_commit_batch_size_count{job="${job}"})`)).toBeGreaterThan(0);
    expect(await scalar(`kaspool_jobs_broadcast_total{job="${job}"}`)).toBeGreaterThan(0);
    expect(await scalar(`sum(kaspool_node_rpc_seconds_count{job="${job}",method="getBlockTemplate"})`)).toBeGreaterThan(0);
    expect(await scalar(`kaspool_network_difficulty{job="${job}"}`)).toBeGreaterThan(0);

    // The pushed group: job mining_metrics, grouped by instance, with the pool's own figures and the seed's names.
    const pushed = await waitFor("the pushed group", async () => {
      const r = await query('kaspool_shares_accepted_total{job="mining_metrics",instance="e2e-pool"}');
      return r.length ? r : null;
    });
    expect(pushed[0]!.metric).toMatchObject({ job: "mining_metrics", instance: "e2e-pool", mode: "pplns" });
    expect((await query('pool_hash_rate_GHps{job="mining_metrics"}')).length).toBe(1);

    // Cardinality: worker series at the cap, every other label from its closed set.
    expect(await scalar(`count(kaspool_worker_difficulty{job="${job}"})`)).toBe(2);
    expect(await scalar(`count(miner_hash_rate_GHps{job="${job}"})`)).toBe(2);
    for (const s of await query(`{job="${job}",__name__=~"kaspool_.*"}`)) {
      const { __name__, job, instance, wallet, worker, ...labels } = s.metric;
      if (labels.mode) expect(["pplns", "solo"]).toContain(labels.mode);
      if (labels.reason) expect(["unauthorized", "job_not_found", "malformed", "duplicate", "low_difficulty", "stale", "pool", "miner"]).toContain(labels.reason);
      if (labels.port) expect(ports).toContain(labels.port);
      if (wallet || worker) expect(__name__).toMatch(/^kaspool_worker_/);
    }
    const series = await scalar(`count({job="${job}"})`);
    expect(series).toBeLessThan(400);

    // A clean stop deletes the group from the gateway.
    await pusher.stop();
    pusher = null;
    const left = await (await fetch(`${gatewayUrl}/metrics`)).text();
    expect(left).not.toContain('instance="e2e-pool"');
    expect(groupUrl(gatewayUrl, "e2e-pool")).toBe(`${gatewayUrl}/metrics/job/mining_metrics/instance/e2e-pool`);
  } finally {
    for (const m of miners) await m.stop();
    await pusher?.stop();
    await stratum?.stop();
    server.stop(true);
    if (!accountingStopped) await accounting.stop();
    await submitter.close();
    await node.close();
    await db.close();
    await devnet.stop();
  }
}, 120_000);
