// A found block is in the file a restart reads (shares.spool.blocks) before it leaves for the node: a pool killed
// right after the send, while the node already has the block, still records it at its next start (issue 7).
// Real parts: devnet over WebSocket, node client and block submitter, stratum on TCP, accounting on PGlite.

import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { startPoolAccounting } from "../../src/pool/index.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { scratch } from "../common/scratch.ts";
import { createPgliteDatabase } from "../db/backends.ts";
import { until } from "../node/scriptedNode.ts";
import { POOL_ADDRESS } from "../stratum/harness.ts";
import { mineBlock } from "./scriptedPool.ts";

const files = scratch("keptfirst");

/** A real submitter that notes, as each block leaves, what the file of blocks at the node holds at that moment. */
class WitnessSubmitter extends BlockSubmitter {
  readonly keptAtSend: string[] = [];
  constructor(urls: string[], private readonly keptFile: string) {
    super({ urls, log: silentLogger });
  }

  override submit(template: BlockTemplate, nonce: bigint) {
    this.keptAtSend.push(existsSync(this.keptFile) ? readFileSync(this.keptFile, "utf8") : "");
    return super.submit(template, nonce);
  }
}

test("a found block is kept for a restart before it is sent to the node", async () => {
  const devnet = await startDevnet({ port: 0, difficulty: 1e-7, bps: 10, log: silentLogger });
  files.defer(() => devnet.stop());
  const config = configSchema.parse({
    ...defaults,
    node: { urls: [devnet.url], requestTimeoutMs: 10_000 },
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536, vardiff: false, encoding: "auto" }] },
    treasury: { ...defaults.treasury, address: POOL_ADDRESS, coinbaseMaturity: 10 },
  });
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  files.defer(() => node.close());
  await node.waitConnected(10_000);
  const spoolPath = join(files.dir, "shares.spool");
  const submitter = new WitnessSubmitter([devnet.url], `${spoolPath}.blocks`);
  submitter.start();
  files.defer(() => submitter.close());
  const db = await openDatabase(createPgliteDatabase());
  files.defer(() => db.close());
  const accounting = await startPoolAccounting({ db, node, config, log: silentLogger, spoolPath, pollMs: 100 });
  files.defer(() => accounting.stop());
  const stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger });
  files.defer(() => stratum.stop());

  const { reply } = await mineBlock(stratum.ports[0]!);
  expect(reply.result).toBe(true);
  await until(() => devnet.acceptedBlocks().some((b) => b.payAddress === POOL_ADDRESS), 10_000, "the node to take the block");
  const [block] = devnet.acceptedBlocks().filter((b) => b.payAddress === POOL_ADDRESS);
  expect(submitter.keptAtSend).toHaveLength(1);
  expect(submitter.keptAtSend[0]).toContain(block!.hash);
}, 60_000);
