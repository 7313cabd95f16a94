// A kaspool pool on the devnet, a kaspool proxy in front of it, CPU miners of three dialects behind the proxy.

import { afterEach, expect, test } from "bun:test";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import type { Proxy } from "../../src/proxy/index.ts";
import type { Pool } from "../stratum/harness.ts";
import { AGENTS, FARM, proxyConfig, runProxy, startUpstreamPool, until, upstreamUrl } from "./harness.ts";

let pool: Pool | null = null;
let proxy: Proxy | null = null;
let miners: Miner[] = [];

afterEach(async () => {
  for (const m of miners) await m.stop();
  miners = [];
  await proxy?.stop();
  await pool?.stop();
  proxy = pool = null;
});

test("three dialects behind the proxy: shares accepted upstream, disjoint nonce spaces, a block credited to the farm", async () => {
  // Upstream difficulty 10x the local one: most local shares are counted at the proxy only.
  pool = await startUpstreamPool({ difficulty: 1e-6, devnetDifficulty: 3e-5 });
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "main", url: upstreamUrl(pool), user: `${FARM}.farm` }] }));
  const url = `stratum+tcp://127.0.0.1:${proxy.ports[0]}`;
  for (const [i, agent] of AGENTS.entries()) miners.push(await startMiner({ url, user: `whatever.rig${i}`, agent }));

  const sink = pool.sink;
  await until("a block and forwarded shares from every miner", () => {
    const workers = proxy!.status().workers;
    return sink.blocks.length > 0 && workers.length === 3 && workers.every((w) => w.upstreamAccepted >= 3);
  }, 30_000);
  for (const m of miners) {
    expect(m.stats().accepted).toBeGreaterThan(0);
    expect(m.stats().rejected).toBe(0);
  }
  const status = proxy.status();
  expect(status.active).toBe("main");
  expect(status.upstreams[0]!.accepted).toBeGreaterThan(0);
  expect(status.upstreams[0]!.rejected).toEqual({});
  // Local-only shares exist: more accepted locally than forwarded.
  expect(status.workers.reduce((a, w) => a + w.accepted, 0)).toBeGreaterThan(status.workers.reduce((a, w) => a + w.forwarded, 0));

  // Every upstream share is the proxy's, under the proxy's one upstream extranonce, and each miner searched its
  // own byte after it: three distinct local bytes, no nonce twice.
  expect(sink.shares.every((s) => s.address === FARM && s.worker === "farm")).toBe(true);
  const hex = sink.shares.map((s) => s.nonce.toString(16).padStart(16, "0"));
  const upstreamPrefixes = new Set(hex.map((h) => h.slice(0, 4)));
  expect(upstreamPrefixes.size).toBe(1);
  expect(new Set(hex.map((h) => h.slice(4, 6))).size).toBe(3);
  expect(new Set(sink.shares.map((s) => `${s.jobId}:${s.nonce}`)).size).toBe(sink.shares.length);

  // The block pays the proxy's configured address, on the chain and in the pool's books.
  const block = sink.blocks[0]!;
  expect(block).toMatchObject({ address: FARM, worker: "farm", accepted: true });
  expect(pool.devnet.acceptedBlocks().find((b) => b.hash === block.hash)?.payAddress).toBe(FARM);
}, 60_000);
