// `bun run index.ts proxy` as an operator runs it: stratum in front of an upstream, /status /health /metrics on
// the API port, report lines in the log, a clean stop on SIGTERM. No node, no database.

import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaults } from "../../src/config/defaults.ts";
import { TestClient } from "../stratum/harness.ts";
import { until } from "./harness.ts";
import { ScriptedUpstream } from "./scriptedUpstream.ts";

function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

const dir = mkdtempSync(join(tmpdir(), "kaspool-proxy-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let upstream: ScriptedUpstream | null = null;
let proc: ReturnType<typeof Bun.spawn> | null = null;
afterEach(() => {
  proc?.kill();
  upstream?.stop();
  proc = upstream = null;
});

test("proxy mode from the command line: /health (200, then 503 without an upstream), /status, /metrics, report lines, SIGTERM", async () => {
  upstream = new ScriptedUpstream("a001", 2 ** -16).start();
  const [stratumPort, apiPort] = [freePort(), freePort()];
  const file = join(dir, `proxy-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: stratumPort, difficulty: 2 ** -20, vardiff: false }] },
    api: { host: "127.0.0.1", port: apiPort },
    // Secrets stay out of logs and answers.
    proxy: { ...defaults.proxy, reportMinutes: 0.01, upstreams: [{ name: "up", url: upstream.url, user: "farm.proxy", password: "s3cret-pass" }] },
  }));
  proc = Bun.spawn(["bun", "run", "index.ts", "proxy", "--config", file], { stdout: "pipe", stderr: "pipe", env: { ...process.env, DEBUG: "" } });
  const api = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`);
  await until("the API", async () => (await api("/health").catch(() => null))?.status === 200, 10_000);
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
  expect((await api("/nope")).status).toBe(404);
  await Bun.sleep(1_500);

  // The upstream goes away with a miner connected: unhealthy until one is back.
  upstream.stop();
  await until("503", async () => (await api("/health")).status === 503, 5_000);
  expect(await (await api("/health")).json()).toEqual({ status: "no-upstream", active: null, miners: 1 });

  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  const stdout = await new Response(proc.stdout as ReadableStream).text();
  expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/INFO  \[proxy\] stopped$/);
  const out = stdout + await new Response(proc.stderr as ReadableStream).text();
  expect(out).toContain("[proxy] upstream upstream=up state=active breaker=closed accepted=0 rejected=0");
  expect(out).toContain("[proxy] worker worker=rig7");
  expect(out).not.toContain("s3cret-pass");
  expect(JSON.stringify(status)).not.toContain("s3cret-pass");
  miner.close();
}, 30_000);
