// `bun run index.ts proxy` as an operator runs it: stratum in front of an upstream, /status /health /metrics on
// the API port with the pool API's conventions, report lines in the log, a clean stop on SIGTERM. No node, no
// database.

import { expect, test } from "bun:test";
import { defaults } from "../../src/config/defaults.ts";
import { TestClient } from "../stratum/harness.ts";
import { proxyRuns, spawnProxy, until } from "./harness.ts";
import { ScriptedUpstream } from "./scriptedUpstream.ts";

const run = proxyRuns();

test("proxy mode from the command line: /health (200, then 503 without an upstream), /status, /metrics, API conventions, report lines, SIGTERM", async () => {
  const upstream = (run.upstream = new ScriptedUpstream("a001", 2 ** -16).start());
  const proxy = (run.proxy = spawnProxy({
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, difficulty: 2 ** -20, vardiff: false }] },
    // The test polls /health faster than the default per-IP limit allows.
    api: { host: "127.0.0.1", port: 0, rateLimit: { requestsPerSecond: 1000, burst: 1000 } },
    // Secrets stay out of logs and answers.
    proxy: { ...defaults.proxy, reportMinutes: 0.01, upstreams: [{ name: "up", url: upstream.url, user: "farm.proxy", password: "s3cret-pass" }] },
  }));
  // The ports it bound, as its start-up line names them; the API answers from then on.
  const [stratumPort, apiPort] = [await proxy.stratumPort(20_000), await proxy.apiPort(1_000)];
  const api = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`);
  expect((await api("/health")).status).toBe(200);
  expect(await (await api("/health")).json()).toEqual({ status: "ok", active: null, miners: 0 });
  expect(upstream.dials).toBe(0);

  const miner = await TestClient.connect(stratumPort);
  miner.send("mining.subscribe", ["lolMiner 1.72"]);
  expect((await miner.reply(miner.send("mining.authorize", ["me.rig7", "x"]))).result).toBe(true);
  const status = (await (await api("/status")).json()) as Record<string, any>;
  expect(status).toMatchObject({ active: "up", miners: 1, nonceSpace: { used: 1, capacity: 256 } });
  expect(status.upstreams[0]).toMatchObject({ name: "up", user: "farm.proxy", state: "active", breaker: "closed" });
  expect(status.workers[0]).toMatchObject({ worker: "rig7", agent: "lolMiner 1.72" });
  const metrics = await (await api("/metrics")).text();
  expect(metrics).toContain("kaspool_proxy_miners 1");
  expect(metrics).toContain('kaspool_proxy_upstream_active{upstream="up"} 1');
  expect(metrics).toContain('kaspool_proxy_upstream_breaker{upstream="up",state="closed"} 1');
  // The pool API's request metrics and process figures, in the same registry.
  expect(metrics).toContain('kaspool_http_requests_total{route="/status",code="2xx"} 1');
  expect(metrics).toContain("kaspool_process_cpu_seconds_total");
  const missing = await api("/nope");
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: { code: "not_found", message: "no such endpoint: /nope" } });
  const post = await fetch(`http://127.0.0.1:${apiPort}/status`, { method: "POST" });
  expect(post.status).toBe(405);
  expect(post.headers.get("allow")).toBe("GET");
  expect(((await post.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
  // The periodic report (every 0.6 s) names the upstream while it is active: awaited, a loaded machine prints it late.
  await until("the report while the upstream is up", () =>
    proxy.output().includes("[proxy] upstream upstream=up state=active breaker=closed") && proxy.output().includes("[proxy] worker worker=rig7"), 10_000);

  // The upstream goes away with a miner connected: unhealthy until one is back.
  upstream.stop();
  await until("503", async () => (await api("/health")).status === 503, 5_000);
  expect(await (await api("/health")).json()).toEqual({ status: "no-upstream", active: null, miners: 1 });

  proxy.proc.kill("SIGTERM");
  expect(await proxy.proc.exited).toBe(0);
  await proxy.drained;
  expect(proxy.stdout().trimEnd().split("\n").at(-1)).toMatch(/INFO  \[proxy\] stopped$/);
  const out = proxy.output();
  expect(out).toContain("[proxy] upstream upstream=up state=active breaker=closed accepted=0 rejected=0");
  expect(out).toContain("[proxy] worker worker=rig7");
  expect(out).not.toContain("s3cret-pass");
  expect(JSON.stringify(status)).not.toContain("s3cret-pass");
  miner.close();
}, 30_000);
