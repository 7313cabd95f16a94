// Killing the upstream opens its circuit breaker and the next pool takes the miners within the configured time;
// bringing it back lets the half-open probe close the breaker and the miners return.

import { afterEach, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import type { Proxy } from "../../src/proxy/index.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";
import { minerAddress, TestClient, type Pool } from "../stratum/harness.ts";
import { AGENTS, FARM, proxyConfig, runProxy, startUpstreamPool, until, upstreamUrl } from "./harness.ts";

let pools: Pool[] = [];
let revived: { stratum: Stratum; submitter: BlockSubmitter } | null = null;
let proxy: Proxy | null = null;
let miners: Miner[] = [];
let squatter: TestClient | null = null;

afterEach(async () => {
  for (const m of miners) await m.stop();
  squatter?.close();
  await proxy?.stop();
  await revived?.stratum.stop();
  await revived?.submitter.close();
  for (const p of pools) await p.stop();
  miners = [];
  pools = [];
  proxy = revived = squatter = null;
});

test("the primary dies: breaker open, failover to the second pool; back again: probe closes it, miners return", async () => {
  const [a, b] = pools = [await startUpstreamPool({ difficulty: 1e-6 }), await startUpstreamPool({ difficulty: 1e-6 })];
  // Another miner holds pool B's first extranonce, so the failover also changes every miner's extranonce.
  squatter = await TestClient.connect(b!.stratum.ports[0]!);
  squatter.send("mining.subscribe", ["lolMiner 1.72"]);
  const auth = squatter.send("mining.authorize", [`${minerAddress(9)}.squat`, "x"]);
  expect((await squatter.reply(auth)).result).toBe(true);

  const COOL_DOWN_S = 2;
  proxy = await runProxy(proxyConfig({
    upstreams: [{ name: "a", url: upstreamUrl(a!), user: `${FARM}.a` }, { name: "b", url: upstreamUrl(b!), user: `${FARM}.b` }],
    breaker: { failures: 2, coolDownSeconds: COOL_DOWN_S, rejectStorm: 50 },
    reconnect: { minMs: 100, maxMs: 200 },
    switchGraceSeconds: 1,
  }), { tickMs: 100 });
  const url = `stratum+tcp://127.0.0.1:${proxy.ports[0]}`;
  for (const agent of AGENTS) miners.push(await startMiner({ url, user: "x.rig", agent }));
  await until("shares on pool A", () => a!.sink.shares.length > 5);

  const port = a!.stratum.ports[0]!;
  const killedAt = Date.now();
  await a!.stratum.stop();
  // Two failures (the dropped session, one refused redial) at most 200 ms apart, then pool B's handshake.
  await until("failover to pool B", () => proxy!.status().active === "b", 3_000);
  expect(Date.now() - killedAt).toBeLessThan(2_000);
  expect(proxy.status().upstreams[0]).toMatchObject({ name: "a", breaker: "open" });
  const acceptedAtFailover = miners.map((m) => m.stats().accepted);
  await until("every miner's shares accepted on pool B", () => miners.every((m, i) => m.stats().accepted > acceptedAtFailover[i]! + 2));
  const onB = b!.sink.shares.filter((s) => s.worker === "b");
  expect(onB.length).toBeGreaterThan(0);
  // Pool B gave the proxy its second extranonce, 0001; every miner moved under it.
  expect(onB.every((s) => s.nonce.toString(16).padStart(16, "0").startsWith("0001"))).toBe(true);

  // Back on the same port: after the cool-down the probe succeeds and the miners return.
  const config = { ...a!.config, stratum: { ...a!.config.stratum, ports: [{ ...a!.config.stratum.ports[0]!, port }] } };
  const submitter = new BlockSubmitter({ urls: [a!.devnet.url], log: silentLogger });
  submitter.start();
  revived = { stratum: await startStratum({ config, node: a!.node, submitter, sink: a!.sink, log: silentLogger }), submitter };
  const aBefore = a!.sink.shares.length;
  await until("miners back on pool A", () => proxy!.status().active === "a", COOL_DOWN_S * 1000 + 5_000);
  expect(proxy.status().upstreams[0]).toMatchObject({ breaker: "closed", consecutiveFailures: 0 });
  await until("shares on the revived pool A", () => a!.sink.shares.length > aBefore + 5);
  await until("pool B left after the grace period", () => b!.stratum.stats().connections === 1, 5_000);
}, 60_000);

test("the only upstream restarts: the proxy redials, re-authorizes and resumes without dropping a miner", async () => {
  const [a] = pools = [await startUpstreamPool({ difficulty: 1e-6 })];
  proxy = await runProxy(proxyConfig({
    upstreams: [{ name: "a", url: upstreamUrl(a!), user: `${FARM}.a` }],
    breaker: { failures: 1000, coolDownSeconds: 60, rejectStorm: 50 },
    reconnect: { minMs: 100, maxMs: 300 },
  }), { tickMs: 100 });
  const url = `stratum+tcp://127.0.0.1:${proxy.ports[0]}`;
  for (const agent of AGENTS) miners.push(await startMiner({ url, user: "x.rig", agent }));
  await until("shares on pool A", () => proxy!.status().workers.length === 3 && a!.sink.shares.length > 5);

  const port = a!.stratum.ports[0]!;
  await a!.stratum.stop();
  await until("the upstream seen down", () => proxy!.status().active === null, 3_000);
  await Bun.sleep(700);
  // Miners stay connected while the proxy redials.
  expect(proxy.status().miners).toBe(3);
  expect(proxy.status().upstreams[0]!.failures).toBeGreaterThan(1);

  const config = { ...a!.config, stratum: { ...a!.config.stratum, ports: [{ ...a!.config.stratum.ports[0]!, port }] } };
  const submitter = new BlockSubmitter({ urls: [a!.devnet.url], log: silentLogger });
  submitter.start();
  revived = { stratum: await startStratum({ config, node: a!.node, submitter, sink: a!.sink, log: silentLogger }), submitter };
  const before = miners.map((m) => m.stats().accepted);
  await until("every miner's shares accepted again", () => miners.every((m, i) => m.stats().accepted > before[i]! + 2));
  expect(proxy.status()).toMatchObject({ active: "a", miners: 3 });
  expect(proxy.status().upstreams[0]).toMatchObject({ breaker: "closed", connects: 2 });
  for (const m of miners) expect(m.stats().lastError ?? "").not.toContain("disconnected");
}, 60_000);
