// Template followers against the real devnet over our NodeClient.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { NodeClient } from "../../src/node/client.ts";
import type { Job } from "../../src/templates/job.ts";
import { TemplateHub, type TemplateHubOptions } from "../../src/templates/index.ts";

const solo = { maxAddresses: 10, cacheSize: 2, lingerMs: 0, refreshMs: 0 };
const hubOptions = (o: Pick<TemplateHubOptions, "node" | "cacheSize" | "extraData"> & Partial<TemplateHubOptions>): TemplateHubOptions =>
  ({ solo, staleMs: 30_000, log: silentLogger, ...o });

let devnet: Devnet;
let node: NodeClient;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, bps: 10, difficulty: 1e6 });
  node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected(5_000);
});

afterAll(async () => {
  await node?.close();
  await devnet?.stop();
});

test("a follower turns each new template into one job, keeps the last cacheSize and shares them", async () => {
  const hub = new TemplateHub(hubOptions({ node, cacheSize: 3, extraData: "test" }));
  const follower = hub.acquire(DEVNET_POOL_ADDRESS, false)!;
  expect(hub.acquire(DEVNET_POOL_ADDRESS, true)).toBe(follower);
  const jobs: Job[] = [];
  follower.onJob((j) => jobs.push(j));
  const deadline = Date.now() + 3_000;
  while (jobs.length < 6 && Date.now() < deadline) await Bun.sleep(50);
  expect(jobs.length).toBeGreaterThanOrEqual(6);

  expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
  const keys = jobs.map((j) => `${Buffer.from(j.prePowHash).toString("hex")}:${j.timestamp}`);
  expect(new Set(keys).size).toBe(jobs.length);
  expect(follower.latest).toBe(jobs.at(-1)!);
  expect(follower.job(jobs.at(-1)!.id)).toBe(jobs.at(-1)!);
  expect(follower.job(jobs[0]!.id)).toBeUndefined();
  expect(follower.jobCount).toBe(3);
  expect(jobs.at(-1)!.template.header).toBeDefined();

  hub.release(DEVNET_POOL_ADDRESS);
  expect(hub.followerCount).toBe(1);
  hub.release(DEVNET_POOL_ADDRESS);
  expect(hub.followerCount).toBe(0);
  const count = jobs.length;
  await Bun.sleep(300);
  expect(jobs.length).toBe(count);
  await hub.stop();
});

test("without notifications the follower still polls", async () => {
  // The real node, with the subscription refused, as a node without template notifications would.
  const pollOnly = { getBlockTemplate: node.getBlockTemplate.bind(node), onNewBlockTemplate: () => Promise.reject(new Error("not offered")) };
  const hub = new TemplateHub(hubOptions({ node: pollOnly, cacheSize: 10, extraData: "", pollMs: 200 }));
  const follower = hub.acquire(DEVNET_POOL_ADDRESS, false)!;
  let n = 0;
  follower.onJob(() => n++);
  await Bun.sleep(1_000);
  expect(n).toBeGreaterThanOrEqual(2);
  await hub.stop();
});

test("a node outage is logged once for the hub, not once per follower", async () => {
  const down = await startDevnet({ port: 0, bps: 10, difficulty: 1e6 });
  const client = new NodeClient({ urls: [down.url], log: silentLogger });
  client.start();
  await client.waitConnected(5_000);
  await down.stop();
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => void warnings.push(m), child: () => log };
  const hub = new TemplateHub(hubOptions({ node: client, cacheSize: 10, extraData: "", log, solo: { ...solo, maxAddresses: 20 } }));
  for (let n = 1; n <= 20; n++) expect(hub.acquire(encodeAddress("kaspadev", 0, new Uint8Array(32).fill(n)), true)).not.toBeNull();
  await Bun.sleep(500);
  // One line per distinct failure (the socket closing, then no connection), not one per follower.
  const failures = warnings.filter((w) => w.startsWith("template fetch failed"));
  expect(failures.length).toBeGreaterThanOrEqual(1);
  expect(failures.length).toBeLessThanOrEqual(2);
  expect(new Set(failures).size).toBe(failures.length);
  await hub.stop();
  await client.close();
});
