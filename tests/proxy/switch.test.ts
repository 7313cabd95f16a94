// A schedule switch under a fake clock: miners on pool A until 12:00 UTC, then every miner on pool B; every share
// submitted around the switch is answered by the pool its job came from, none lost, none answered wrongly.

import { afterEach, expect, test } from "bun:test";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import type { Proxy } from "../../src/proxy/index.ts";
import type { Pool } from "../stratum/harness.ts";
import { AGENTS, FARM, OTHER_FARM, proxyConfig, runProxy, startUpstreamPool, until, upstreamUrl } from "./harness.ts";

let pools: Pool[] = [];
let proxy: Proxy | null = null;
let miners: Miner[] = [];

afterEach(async () => {
  for (const m of miners) await m.stop();
  await proxy?.stop();
  for (const p of pools) await p.stop();
  miners = [];
  pools = [];
  proxy = null;
});

test("at 12:00 every miner moves to the second pool; shares before the switch are answered by the first", async () => {
  const [a, b] = pools = [await startUpstreamPool({ difficulty: 1e-6 }), await startUpstreamPool({ difficulty: 1e-6 })];
  let now = Date.parse("2026-12-02T11:59:30Z");
  proxy = await runProxy(proxyConfig({
    timeZone: "UTC", switchGraceSeconds: 2,
    upstreams: [
      { name: "a", url: upstreamUrl(a!), user: `${FARM}.day`, schedule: [{ from: "00:00", to: "12:00" }] },
      { name: "b", url: upstreamUrl(b!), user: `${OTHER_FARM}.night`, schedule: [{ from: "12:00", to: "24:00" }] },
    ],
  }), { clock: () => now, tickMs: 100 });
  const url = `stratum+tcp://127.0.0.1:${proxy.ports[0]}`;
  for (const [i, agent] of AGENTS.entries()) miners.push(await startMiner({ url, user: `x.rig${i}`, agent }));

  await until("shares on pool A from every miner", () => proxy!.status().workers.length === 3 && proxy!.status().workers.every((w) => w.upstreamAccepted > 2));
  expect(b!.stratum.stats().connections).toBe(0);
  const beforeSwitch = a!.sink.shares.length;

  now = Date.parse("2026-12-02T12:00:00Z");
  await until("every miner on pool B", () => proxy!.status().active === "b");
  const sharesOnB = () => b!.sink.shares.length;
  const perMinerOnB = miners.map((m) => m.stats().accepted);
  await until("shares on pool B from every miner", () => sharesOnB() > 10 && miners.every((m, i) => m.stats().accepted > perMinerOnB[i]! + 2));
  // The grace period ends: pool A is left.
  await until("pool A closed", () => a!.stratum.stats().connections === 0, 5_000);
  const aAfterGrace = a!.sink.shares.length;

  for (const m of miners) await m.stop();
  // Awaited, not slept on: shares still at an upstream and the miners' goodbyes take longer on a loaded machine.
  const answered = (u: ReturnType<Proxy["status"]>["upstreams"][number]) =>
    u.forwarded === u.accepted + Object.values(u.rejected).reduce((n, c) => n + (c ?? 0), 0);
  await until("every forwarded share answered and every miner gone", () => {
    const st = proxy!.status();
    return st.workers.length === 0 && st.upstreams.every(answered);
  }, 10_000);
  const s = proxy.status();
  // Not one share answered wrongly: every miner saw only accepts.
  for (const m of miners) expect(m.stats()).toMatchObject({ rejected: 0, lastError: null });
  // Not one lost: each forwarded share has its verdict, and each accepted one is in its pool's books.
  const [upA, upB] = s.upstreams;
  expect(upA!.rejected).toEqual({});
  expect(upB!.rejected).toEqual({});
  expect(s.workers.length).toBe(0);
  expect(upA!.accepted).toBe(a!.sink.shares.length);
  expect(upB!.accepted).toBe(b!.sink.shares.length);
  expect(upA!.forwarded).toBe(upA!.accepted);
  expect(upB!.forwarded).toBe(upB!.accepted);
  expect(upA!.accepted).toBeGreaterThan(beforeSwitch - 1);
  expect(a!.sink.shares.length).toBe(aAfterGrace);
  expect(a!.sink.shares.every((x) => x.address === FARM && x.worker === "day")).toBe(true);
  expect(b!.sink.shares.every((x) => x.address === OTHER_FARM && x.worker === "night")).toBe(true);
}, 60_000);
