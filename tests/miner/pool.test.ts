// The CPU miner against the real pool: devnet node, NodeClient, stratum server, in-memory share sink.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { MemoryShareSink } from "../../src/shares/memory.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";

let devnet: Devnet;
let node: NodeClient;
let submitter: BlockSubmitter;
let stratum: Stratum;
const sink = new MemoryShareSink();
const miners: Miner[] = [];

beforeAll(async () => {
  // A network difficulty no CPU reaches: these tests are about shares, not blocks.
  devnet = await startDevnet({ port: 0, difficulty: 1e12 });
  node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected();
  submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  const config = configSchema.parse({
    ...defaults,
    stratum: {
      ...defaults.stratum,
      host: "127.0.0.1",
      // About 43k hashes per share: well under a second for one CPU thread.
      ports: [{ port: 0, mode: "pplns", difficulty: 1e-5, vardiff: false, encoding: "auto" }],
    },
  });
  stratum = await startStratum({ config, node, submitter, sink, log: silentLogger });
});

afterAll(async () => {
  await Promise.all(miners.map((m) => m.stop()));
  await stratum?.stop();
  await submitter?.close();
  await node?.close();
  await devnet?.stop();
});

describe("CPU miner on the real stratum server", () => {
  test.each([
    ["words", "kaspool-cpuminer/0.1", "cpu"],
    ["lolMiner words", "lolMiner 1.72", "lol"],
    ["big header", "IceRiverMiner-v1.1", "ice"],
    ["Bitmain", "GodMiner/1.0", "god"],
  ])("%s jobs: shares accepted", async (_name, agent, worker) => {
    const miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${stratum.ports[0]}`, user: `${DEVNET_POOL_ADDRESS}.${worker}`, agent });
    miners.push(miner);
    await Promise.race([miner.firstAccepted, Bun.sleep(15_000)]);
    const s = miner.stats();
    expect(s.lastError).toBeNull();
    expect(s.accepted).toBeGreaterThanOrEqual(1);
    expect(s.rejected).toBe(0);
    const recorded = sink.shares.filter((x) => x.worker === worker);
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded[0]!.address).toBe(DEVNET_POOL_ADDRESS);
    await miner.stop();
  }, 20_000);
});
