// A block found while the pool stops is never forgotten: the node is still deciding on it when stratum stops, and
// the block and its share must reach the database before accounting stops. Real parts: a TCP miner, stratum,
// scripted nodes over real WebSockets that hold their submitBlock answer, and accounting on both backends.

import { describe, expect, test } from "bun:test";
import { stringifyJson } from "../../src/common/json.ts";
import type { TestBackend } from "../db/backends.ts";
import { ScriptedNode, until } from "../node/scriptedNode.ts";
import type { TestClient } from "../stratum/harness.ts";
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

/**
 * A pool on a node that holds its submitBlock answer, with a miner's block share already at the node; `run` gets
 * them, then `recorded` says whether the block (pending resubmission or not) and its share are in the database.
 */
async function blockAtNode(
  backend: TestBackend, name: string, requestTimeoutMs: number,
  run: (f: ScriptedPool, node: ScriptedNode, miner: TestClient) => Promise<void>,
): Promise<void> {
  const node = new ScriptedNode(suite.nodeScript(() => "silent")).start();
  const f = await suite.start(backend, name, [node], requestTimeoutMs);
  try {
    const { client, submit } = await blockShare(f.stratum.ports[0]!);
    submit();
    await until(() => node.framesOf("submitBlock").length === 1, 10_000, "the block at the node");
    await run(f, node, client);
  } finally {
    await f.stop();
    await node.stop();
  }
}

async function expectRecorded(f: ScriptedPool, pending: boolean): Promise<void> {
  expect(await blockRow(f.db)).toMatchObject({ status: "confirming", reject_reason: null, pending });
  const shares = await f.db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares WHERE address = $1", [MINER]);
  expect(Number(shares[0]!.n)).toBe(1);
}

for (const backend of suite.backends) {
  describe(backend.name, () => {
    for (const [order, stop] of [
      ["as run.ts stops it", stopAsRun],
      ["accounting stopped before the node connections", (f: ScriptedPool) => f.stop()],
    ] as const) {
      test(`the node accepts the block while the pool stops (${order}): it is recorded accepted, with its share`, () =>
        blockAtNode(backend, "answered", 5_000, async (f, node, miner) => {
          const stopping = stop(f);
          // Stratum has begun to stop: the miner's connection is gone, and only then does the node answer.
          expect(await miner.closedByServer(10_000)).toBe(true);
          const { id } = node.framesOf("submitBlock")[0]!;
          node.sendRaw(stringifyJson({ id, method: "submitBlock", params: { report: { type: "success" } } }));
          await stopping;
          await expectRecorded(f, false);
        }), 60_000);
    }

    // The request timeout is longer than stratum's stop waits for a block (15 s at most): only its cut-off ends the wait.
    test("a node that outlasts stop's wait: the block is recorded for resubmission, with its share, and stop stays bounded", () =>
      blockAtNode(backend, "outlasted", 30_000, async (f) => {
        const started = Date.now();
        await f.stratum.stop();
        const waited = Date.now() - started;
        expect(waited).toBeGreaterThanOrEqual(14_000);
        expect(waited).toBeLessThan(25_000);
        await f.stop();
        await expectRecorded(f, true);
      }), 90_000);
  });
}
