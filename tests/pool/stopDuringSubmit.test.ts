// A block found while the pool stops is never forgotten: the node is still deciding on it when stratum stops, and
// the block and its share must reach the database before accounting stops. Real parts: a TCP miner, stratum,
// scripted nodes over real WebSockets that hold their submitBlock answer, and accounting on both backends.

import { describe, expect, test } from "bun:test";
import { stringifyJson } from "../../src/common/json.ts";
import type { Database } from "../../src/db/database.ts";
import { ScriptedNode, until } from "../node/scriptedNode.ts";
import { blockRow, blockShare, MINER, scriptedPoolSuite, type ScriptedPool } from "./scriptedPool.ts";

const suite = await scriptedPoolSuite("stopsubmit");

/** The order run.ts stops in once stratum is stopped: block submitter, resubmission, accounting, template client. */
async function stopAsRun(f: ScriptedPool): Promise<void> {
  await f.stratum.stop();
  await f.submitter.close();
  await f.resubmission.stop();
  await f.accounting.stop();
  await f.node.close();
}

const storedShares = async (db: Database) =>
  Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares WHERE address = $1", [MINER]))[0]!.n);

/** A miner has sent a block-solving share and the node holds the block, unanswered. */
async function blockAwaitingNode(f: ScriptedPool, node: ScriptedNode) {
  const { client, submit } = await blockShare(f.stratum.ports[0]!);
  submit();
  await until(() => node.framesOf("submitBlock").length === 1, 10_000, "the block at the node");
  return client;
}

for (const backend of suite.backends) {
  describe(backend.name, () => {
    for (const [order, stop] of [
      ["as run.ts stops it", stopAsRun],
      ["accounting stopped before the node connections", (f: ScriptedPool) => f.stop()],
    ] as const) {
      test(`the node accepts the block while the pool stops (${order}): it is recorded accepted, with its share`, async () => {
        const node = new ScriptedNode(suite.nodeScript(() => "silent")).start();
        const f = await suite.start(backend, "answered", [node], 5_000);
        try {
          const client = await blockAwaitingNode(f, node);
          const stopping = stop(f);
          // Stratum has begun to stop: the miner's connection is gone, and only then does the node answer.
          expect(await client.closedByServer(10_000)).toBe(true);
          const { id } = node.framesOf("submitBlock")[0]!;
          node.sendRaw(stringifyJson({ id, method: "submitBlock", params: { report: { type: "success" } } }));
          await stopping;
          expect(await blockRow(f.db)).toMatchObject({ status: "confirming", reject_reason: null, pending: false });
          expect(await storedShares(f.db)).toBe(1);
        } finally {
          await f.stop();
          await node.stop();
        }
      }, 60_000);
    }

    test("a node that outlasts stop's wait: the block is recorded for resubmission, with its share, and stop stays bounded", async () => {
      const node = new ScriptedNode(suite.nodeScript(() => "silent")).start();
      // Longer than stratum's stop waits for a block (15 s at most), so only that cut-off ends the wait.
      const f = await suite.start(backend, "outlasted", [node], 30_000);
      try {
        await blockAwaitingNode(f, node);
        const started = Date.now();
        await f.stratum.stop();
        const waited = Date.now() - started;
        expect(waited).toBeGreaterThanOrEqual(14_000);
        expect(waited).toBeLessThan(25_000);
        await f.stop();
        expect(await blockRow(f.db)).toMatchObject({ status: "confirming", reject_reason: null, pending: true });
        expect(await storedShares(f.db)).toBe(1);
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 90_000);
  });
}
