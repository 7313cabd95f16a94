// 200 distinct solo addresses over real TCP against the devnet (10 BPS), through a counting wrapper of the real
// NodeClient: template requests stay coalesced and bounded (in flight, per new template, per follower), memory
// stays within the solo cache budget, a found block's submitBlock round trip stays short while all 200 followers
// fetch, the 201st address is refused on authorize with a clear error, and an idle follower is let go.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { MemoryShareSink } from "../../src/shares/memory.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, TestClient, testConfig } from "./harness.ts";

const SOLO = 200;
const SOLO_CACHE = 16;
const THROTTLE_MS = 250;
const LINGER_SECONDS = 1;
const SHARE_DIFF = 2 ** -29;
const NET_DIFF = 2 ** -18;
const BLOCK_TARGET = difficultyToTarget(NET_DIFF) / 2n;
/** The fetch concurrency the hub promises (src/templates/fetchQueue.ts). */
const MAX_IN_FLIGHT = 4;

class CountingNode extends NodeClient {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly byAddress = new Map<string, number>();

  override async getBlockTemplate(payAddress: string, extraData?: string) {
    this.calls++;
    this.byAddress.set(payAddress, (this.byAddress.get(payAddress) ?? 0) + 1);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await super.getBlockTemplate(payAddress, extraData);
    } finally {
      this.inFlight--;
    }
  }

}

/** Times each found block's submission, over the submitter's own node connections. */
class TimedSubmitter extends BlockSubmitter {
  readonly submitMs: number[] = [];

  override async submit(template: BlockTemplate, nonce: bigint) {
    const t0 = performance.now();
    try {
      return await super.submit(template, nonce);
    } finally {
      this.submitMs.push(performance.now() - t0);
    }
  }
}

let devnet: Devnet;
let node: CountingNode;
let submitter: TimedSubmitter;
let stratum: Stratum;
let sink: MemoryShareSink;
let port: number;
let poolAddress: string;
const clients: TestClient[] = [];
const miners: Array<{ c: TestClient; user: string; extranonce: string; notify: Record<string, any> }> = [];

async function authorize(n: number, worker = "rig") {
  const c = await TestClient.connect(port);
  clients.push(c);
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  const user = `${minerAddress(n)}.${worker}`;
  const reply = await c.reply(c.send("mining.authorize", [user, "x"]));
  return { c, user, reply };
}

async function firstJob(c: TestClient) {
  let extranonce = "";
  for (;;) {
    const m = await c.message(10_000);
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") return { extranonce, notify: m };
  }
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, difficulty: NET_DIFF, bps: 10 });
  node = new CountingNode({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected(5_000);
  submitter = new TimedSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  const config = testConfig(devnet.url, {
    ports: [
      { port: 0, mode: "solo", difficulty: SHARE_DIFF, vardiff: false, encoding: "words" },
      { port: 0, mode: "pplns", difficulty: SHARE_DIFF, vardiff: false, encoding: "words" },
    ],
    jobThrottleMs: THROTTLE_MS,
    solo: { maxAddresses: SOLO, cacheSize: SOLO_CACHE, lingerSeconds: LINGER_SECONDS },
  });
  poolAddress = config.treasury.address;
  sink = new MemoryShareSink();
  stratum = await startStratum({ config, node, submitter, sink, log: silentLogger });
  port = stratum.ports[0]!;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await stratum?.stop();
  await submitter?.close();
  await node?.close();
  await devnet?.stop();
});

test("200 solo addresses: bounded template requests, memory and submit latency; the 201st is refused", async () => {
  Bun.gc(true);
  const heapBefore = process.memoryUsage().heapUsed;

  for (let from = 1; from <= SOLO; from += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, SOLO + 1 - from) }, (_, i) => authorize(from + i)));
    for (const b of batch) expect(b.reply).toMatchObject({ result: true, error: null });
    const jobs = await Promise.all(batch.map((b) => firstJob(b.c)));
    batch.forEach((b, i) => miners.push({ c: b.c, user: b.user, ...jobs[i]! }));
  }
  expect(stratum.stats().templates.soloFollowers).toBe(SOLO);

  // Full: a new address is refused with a clear error; an address already followed still gets in.
  const refused = await authorize(SOLO + 1);
  expect(refused.reply.result).toBeNull();
  expect(refused.reply.error[1]).toMatch(/solo address limit/i);
  expect(await refused.c.closedByServer()).toBe(true);
  const again = await authorize(1, "second");
  expect(again.reply).toMatchObject({ result: true, error: null });

  // A measuring window with every follower live.
  let notifications = 0;
  const unsubscribe = await node.onNewBlockTemplate(() => notifications++);
  node.byAddress.clear();
  node.maxInFlight = node.inFlight;
  const callsBefore = node.calls;
  const started = performance.now();
  // Blocks found by solo miners while the followers fetch: each submitBlock is timed by the wrapper.
  for (const m of miners.slice(0, 3)) {
    const job = jobFromNotify(m.notify, "words");
    const nonce = mine(job, SHARE_DIFF, m.extranonce, 0n, (pow) => pow <= BLOCK_TARGET);
    const reply = await m.c.reply(m.c.send("mining.submit", [m.user, String(job.jobId), nonceHex(nonce)]));
    expect(reply.error === null || reply.error[0] === 21).toBe(true);
    await Bun.sleep(300);
  }
  await Bun.sleep(Math.max(0, 3_000 - (performance.now() - started)));
  const seconds = (performance.now() - started) / 1000;
  await unsubscribe();
  const calls = node.calls - callsBefore;

  const perSecond = calls / seconds;
  const perTemplate = calls / Math.max(1, notifications);
  const busiestSolo = Math.max(...[...node.byAddress].filter(([a]) => a !== poolAddress).map(([, n]) => n));
  Bun.gc(true);
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const stats = stratum.stats().templates;
  const submitMax = Math.max(...submitter.submitMs);
  console.log(JSON.stringify({ notifications, calls, perSecond, perTemplate, maxInFlight: node.maxInFlight, busiestSolo, heapMb, jobs: stats.jobs, submitMs: submitter.submitMs }));

  expect(notifications).toBeGreaterThan(5);
  expect(node.maxInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  // A solo follower fetches at most once per jobThrottleMs; the pool's follower once per notification.
  expect(busiestSolo).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / THROTTLE_MS) + 1);
  expect(perSecond).toBeLessThanOrEqual(SOLO * (1000 / THROTTLE_MS) + 2 * 10 + 5);
  expect(perTemplate).toBeLessThanOrEqual(SOLO * (1000 / THROTTLE_MS) / 10 + 2);
  expect(stats.jobs).toBeLessThanOrEqual(SOLO * SOLO_CACHE + 300);
  // ~15 KB per devnet job (PowState, encodings, template) × 16 jobs × 200, plus 200 connections.
  expect(heapMb).toBeLessThan(150);
  expect(submitter.submitMs.length).toBeGreaterThanOrEqual(3);
  expect(submitMax).toBeLessThan(150);
}, 90_000);

test("a closed address lingers briefly, gives its slot to a new address when full, then is let go", async () => {
  const count = () => stratum.stats().templates.soloFollowers;
  const before = count();
  expect(before).toBe(SOLO);
  miners.pop()!.c.close();
  await Bun.sleep(200);
  // Still lingering: a quick reconnect would find its follower.
  expect(count()).toBe(before);
  // Full, but the lingering follower makes room for a new address.
  const fresh = await authorize(SOLO + 2);
  expect(fresh.reply).toMatchObject({ result: true, error: null });
  expect(count()).toBe(before);

  fresh.c.close();
  await Bun.sleep(LINGER_SECONDS * 1000 + 500);
  expect(count()).toBe(before - 1);
}, 20_000);
