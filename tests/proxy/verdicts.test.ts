// Against a scripted upstream: the upstream is dialled only while a miner is connected, a forwarded share is
// answered only with the upstream's verdict (its error code included), a share under the upstream's difficulty
// is answered at once and never forwarded.

import { afterEach, expect, test } from "bun:test";
import { jobWords } from "../../src/kaspa/jobEncoding.ts";
import type { Proxy } from "../../src/proxy/index.ts";
import { jobFromNotify, mine, nonceHex, TestClient } from "../stratum/harness.ts";
import { proxyConfig, runProxy, until } from "./harness.ts";
import { ScriptedUpstream } from "./scriptedUpstream.ts";

const UPSTREAM_DIFF = 2 ** -16;
const LOCAL_DIFF = 2 ** -20;
let upstream: ScriptedUpstream | null = null;
let proxy: Proxy | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy?.stop();
  upstream?.stop();
  proxy = upstream = null;
});

async function login(port: number, agent: string) {
  const c = await TestClient.connect(port);
  clients.push(c);
  const sub = c.send("mining.subscribe", [agent]);
  const subReply = await c.reply(sub);
  const auth = c.send("mining.authorize", ["anything.rig", "x"]);
  expect((await c.reply(auth)).result).toBe(true);
  const extranonce = await c.message();
  const difficulty = await c.message();
  const notify = await c.message();
  return { c, subReply, extranonce, difficulty, notify };
}

test("no miner, no upstream connection; the first miner dials it, the last one leaving closes it", async () => {
  upstream = new ScriptedUpstream("a001", UPSTREAM_DIFF).start();
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] }), { tickMs: 50 });
  await Bun.sleep(500);
  expect(upstream.dials).toBe(0);
  const { c } = await login(proxy.ports[0]!, "lolMiner 1.72");
  expect(upstream.dials).toBe(1);
  c.close();
  clients.length = 0;
  await until("the upstream connection closed", () => upstream!.open === 0, 5_000);
  await Bun.sleep(300);
  expect(upstream.dials).toBe(1);
});

test("a forwarded share waits for the upstream's verdict and carries its error code; a local-only share never goes up", async () => {
  upstream = new ScriptedUpstream("a001", UPSTREAM_DIFF).start();
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] }, { difficulty: LOCAL_DIFF }));
  const { c, extranonce, difficulty, notify } = await login(proxy.ports[0]!, "lolMiner 1.72");
  expect(extranonce).toMatchObject({ method: "mining.set_extranonce", params: ["a00100"] });
  expect(difficulty).toMatchObject({ method: "mining.set_difficulty", params: [LOCAL_DIFF] });
  const job = jobFromNotify(notify, "words");
  const upTarget = 1n << 240n;
  const localTarget = 1n << 244n;

  // Local only: meets the local difficulty, not the upstream's.
  const small = mine(job, LOCAL_DIFF, "a00100", 0n, (p) => p < localTarget && p >= upTarget);
  const smallId = c.send("mining.submit", ["anything.rig", notify.params[0], nonceHex(small)]);
  expect(await c.reply(smallId)).toMatchObject({ result: true, error: null });
  expect(upstream.submits).toHaveLength(0);

  // Forwarded: no answer until the upstream gives one, then exactly its code and message.
  const big = mine(job, UPSTREAM_DIFF, "a00100");
  const bigId = c.send("mining.submit", ["anything.rig", notify.params[0], nonceHex(big)]);
  await until("the share upstream", () => upstream!.submits.length === 1, 5_000);
  expect(upstream.submits[0]!.params).toEqual(["farm.proxy", "77", nonceHex(big)]);
  await expect(c.reply(bigId, 400)).rejects.toThrow("no line in time");
  upstream.submits[0]!.answer([23, "Invalid difficulty"]);
  expect((await c.reply(bigId)).error).toEqual([23, "Invalid difficulty", null]);

  const big2 = mine(job, UPSTREAM_DIFF, "a00100", big + 1n - (BigInt("0xa00100") << 40n));
  const big2Id = c.send("mining.submit", ["anything.rig", notify.params[0], nonceHex(big2)]);
  await until("the second share upstream", () => upstream!.submits.length === 2, 5_000);
  upstream.submits[1]!.answer(true);
  expect(await c.reply(big2Id)).toMatchObject({ result: true, error: null });

  // The same nonce again is a duplicate here, not upstream.
  const dupId = c.send("mining.submit", ["anything.rig", notify.params[0], nonceHex(big2)]);
  expect((await c.reply(dupId)).error).toEqual([22, "Duplicate share submitted", null]);
  expect(upstream.submits).toHaveLength(2);
  const s = proxy.status();
  expect(s.upstreams[0]).toMatchObject({ accepted: 1, rejected: { "low-difficulty": 1 } });
  expect(s.workers[0]).toMatchObject({ worker: "rig", accepted: 2, forwarded: 2, upstreamAccepted: 1 });
});

test("Bitmain gets its own extranonce in the subscribe result; miners beyond the nonce space are refused", async () => {
  upstream = new ScriptedUpstream("a001", UPSTREAM_DIFF).start();
  // One local byte would take 256 miners; the space is the point, so use the smallest and fill it, from one IP
  // allowed more connections than that.
  proxy = await runProxy(proxyConfig(
    { upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }], extranonceBytes: 1 }, { difficulty: 1e-7 }, { maxConnectionsPerIp: 300 },
  ));
  const first = await login(proxy.ports[0]!, "GodMiner/1.0");
  expect(first.subReply.result).toEqual([null, "a00100", 5]);
  expect(first.extranonce).toMatchObject({ params: ["a00100", 5] });
  const second = await login(proxy.ports[0]!, "IceRiverMiner-v1.1");
  expect(second.extranonce).toEqual({ method: "mining.set_extranonce", params: ["a00101"] });
  expect(second.notify.params[1]).toHaveLength(80);
  for (let i = 2; i < 256; i++) {
    const c = await TestClient.connect(proxy.ports[0]!);
    clients.push(c);
    expect((await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]))).result).toEqual([true, "EthereumStratum/1.0.0"]);
  }
  const full = await TestClient.connect(proxy.ports[0]!);
  clients.push(full);
  const refused = await full.reply(full.send("mining.subscribe", ["lolMiner 1.72"]));
  expect(refused.error).toEqual([20, "Proxy is full: its nonce space takes 256 miners", null]);
  expect(await full.closedByServer()).toBe(true);
}, 30_000);

test("a storm of rejected shares counts as a failure: with failures 1 the breaker opens and the next upstream takes over", async () => {
  upstream = new ScriptedUpstream("a001", 2 ** -20).start();
  const second = new ScriptedUpstream("b002", 2 ** -20).start();
  try {
    proxy = await runProxy(proxyConfig({
      upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }, { name: "t", url: second.url, user: "farm.proxy" }],
      breaker: { failures: 1, coolDownSeconds: 60, rejectStorm: 3 },
    }, { difficulty: 2 ** -20 }), { tickMs: 50 });
    const { c, notify } = await login(proxy.ports[0]!, "lolMiner 1.72");
    const job = jobFromNotify(notify, "words");
    let from = 0n;
    for (let i = 0; i < 3; i++) {
      const nonce = mine(job, 2 ** -20, "a00100", from);
      from = (nonce & 0xffffffffffn) + 1n;
      const id = c.send("mining.submit", ["anything.rig", notify.params[0], nonceHex(nonce)]);
      await until("the share upstream", () => upstream!.submits.length === i + 1, 5_000);
      upstream.submits[i]!.answer([23, "Invalid difficulty"]);
      expect((await c.reply(id)).error).toEqual([23, "Invalid difficulty", null]);
    }
    // Moved to the second upstream: its extranonce, its job.
    const moved = await c.message();
    expect(moved).toMatchObject({ method: "mining.set_extranonce", params: ["b00200"] });
    expect((await c.message()).method).toBe("mining.notify");
    const s = proxy.status();
    expect(s.active).toBe("t");
    expect(s.upstreams[0]).toMatchObject({ breaker: "open", failures: 1, rejected: { "low-difficulty": 3 } });
    expect(upstream.open).toBe(0);
  } finally {
    second.stop();
  }
});

test("IceRiver's share under a wrong job id is found on the job it was mined on and forwarded under that job's upstream id", async () => {
  upstream = new ScriptedUpstream("a001", 2 ** -20).start();
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] }, { difficulty: 2 ** -20 }));
  const ice = await login(proxy.ports[0]!, "IceRiverMiner-v1.1");
  const gpu = await login(proxy.ports[0]!, "lolMiner 1.72");
  const first = jobFromNotify(ice.notify, "bigheader");
  upstream.newJob();
  const second = await ice.c.message();
  expect(second.method).toBe("mining.notify");
  const secondGpu = await gpu.c.message();

  const iceNonce = mine(first, 2 ** -20, "a00100");
  const id = ice.c.send("mining.submit", ["x.rig", second.params[0], nonceHex(iceNonce)]);
  await until("the share upstream", () => upstream!.submits.length === 1, 5_000);
  expect(upstream.submits[0]!.params).toEqual(["farm.proxy", "77", nonceHex(iceNonce)]);
  upstream.submits[0]!.answer(true);
  expect((await ice.c.reply(id)).result).toBe(true);

  // A GPU miner's share under the wrong id is only checked against the job it names.
  const [gpuFirst, gpuSecond] = [jobFromNotify(gpu.notify, "words"), jobFromNotify(secondGpu, "words")];
  let gpuNonce = mine(gpuFirst, 2 ** -20, "a00101");
  // One that is not also a share on the job it names (1 in 4096 would be).
  while (gpuSecond.pow.pow(gpuNonce) < 1n << 244n) gpuNonce = mine(gpuFirst, 2 ** -20, "a00101", (gpuNonce & 0xffffffffffn) + 1n);
  const gpuId = gpu.c.send("mining.submit", ["x.rig", secondGpu.params[0], nonceHex(gpuNonce)]);
  expect((await gpu.c.reply(gpuId)).error?.[0]).toBe(23);
  expect(upstream.submits).toHaveLength(1);
});

test("an upstream extranonce that leaves a miner under 4 nonce bytes: the miner is refused, never given a shared space", async () => {
  upstream = new ScriptedUpstream("a0a1a2a3", 2 ** -20).start();
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] }));
  const c = await TestClient.connect(proxy.ports[0]!);
  clients.push(c);
  const reply = await c.reply(c.send("mining.subscribe", ["GodMiner/1.0"]));
  expect(reply.error).toEqual([20, "Upstream extranonce leaves no nonce space for this miner", null]);
  expect(await c.closedByServer()).toBe(true);
  expect(proxy.status().nonceSpace.used).toBe(0);
});

test("an upstream that sends big-header jobs to everyone is relayed in each miner's own encoding", async () => {
  upstream = new ScriptedUpstream("a001", 2 ** -20).start();
  upstream.bigHeader = true;
  proxy = await runProxy(proxyConfig({ upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] }));
  const gpu = await login(proxy.ports[0]!, "lolMiner 1.72");
  expect(gpu.notify.params.slice(1)).toEqual([jobWords(upstream.prePowHash), Number(upstream.timestamp)]);
});
