// A block share waits on the node's submitBlock before it reaches the sink. All that time its acceptance time
// must hold the sink's PPLNS window watermark, or a block found meanwhile could have its window cut without it.
// Real TCP stratum, the devnet over WebSocket, a NodeClient whose submitBlock waits for the test to let it go.

import { afterAll, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { BlockSubmitter, type SubmitOutcome } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { MemoryShareSink } from "../../src/shares/memory.ts";
import { ShareWatermark } from "../../src/shares/watermark.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { until } from "../node/scriptedNode.ts";
import { jobFromNotify, mine, nonceHex, POOL_ADDRESS, testConfig, TestClient } from "./harness.ts";

const SHARE_DIFF = 2 ** -29;
const NET_DIFF = 2 ** -20;
const BLOCK_TARGET = difficultyToTarget(NET_DIFF) / 2n;

class GatedSubmitter extends BlockSubmitter {
  submitting = false;
  private open: (() => void) | null = null;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  letGo(): void {
    this.open!();
  }
  override async submit(template: BlockTemplate, nonce: bigint): Promise<SubmitOutcome> {
    this.submitting = true;
    await this.gate;
    return super.submit(template, nonce);
  }
}

/** A memory sink that keeps its holds, so the test can read the watermark they make. */
class HoldingSink extends MemoryShareSink {
  readonly mark = new ShareWatermark();
  override hold(timestamp: number): () => void {
    return this.mark.hold(timestamp);
  }
}

const stops: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

test("a block share holds the watermark at its acceptance time while the node takes the block, until the sink has it", async () => {
  const devnet = await startDevnet({ port: 0, difficulty: NET_DIFF, bps: 1, log: silentLogger });
  stops.push(() => devnet.stop());
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  stops.push(() => node.close());
  const submitter = new GatedSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  stops.push(() => submitter.close());
  await node.waitConnected(5_000);
  const sink = new HoldingSink();
  const config = testConfig(devnet.url, { ports: [{ port: 0, mode: "pplns", difficulty: SHARE_DIFF, vardiff: false, encoding: "auto" }] });
  const stratum = await startStratum({ config, node, submitter, sink, log: silentLogger });
  stops.push(() => stratum.stop());

  const c = await TestClient.connect(stratum.ports[0]!);
  stops.push(() => c.close());
  await c.reply(c.send("mining.subscribe", ["kaspool-cpuminer/0.1"]));
  await c.reply(c.send("mining.authorize", [`${POOL_ADDRESS}.rig`, "x"]));
  let extranonce = "";
  let notify: Record<string, any> | null = null;
  while (!notify) {
    const m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") notify = m;
  }
  const job = jobFromNotify(notify, "words");
  const nonce = mine(job, SHARE_DIFF, extranonce, 0n, (p) => p <= BLOCK_TARGET);

  const before = Date.now();
  const id = c.send("mining.submit", [`${POOL_ADDRESS}.rig`, String(job.jobId), nonceHex(nonce)]);
  await until(() => submitter.submitting, 5_000, "submitBlock");
  await Bun.sleep(50);
  const held = sink.mark.value(Number.MAX_SAFE_INTEGER);
  expect(held).toBeGreaterThanOrEqual(before);
  expect(held).toBeLessThanOrEqual(Date.now() - 50);
  expect(sink.shares).toHaveLength(0);

  submitter.letGo();
  expect((await c.reply(id)).result).toBe(true);
  expect(sink.shares).toHaveLength(1);
  expect(sink.shares[0]!.timestamp).toBe(held);
  expect(sink.blocks[0]!.foundAt).toBe(held);
  expect(sink.mark.value(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
}, 30_000);
