// A found block whose submission fails in transit is not rejected: it is resubmitted and followed like any block.
// Real parts end to end: a TCP miner mines a block through stratum, scripted nodes speak the node's wRPC over real
// WebSockets (serving a template captured from the devnet), and accounting runs on both database backends.

import { describe, expect, test } from "bun:test";
import type { TestBackend } from "../db/backends.ts";
import { ScriptedNode, until } from "../node/scriptedNode.ts";
import { blockRow, HASH_HEX, mineBlock, scriptedPoolSuite, type ScriptedPool } from "./scriptedPool.ts";

const TIMEOUT_MS = 400;
const REWARD = 50_000_000_000n;

const suite = await scriptedPoolSuite("blocksubmit");
const { backends, nodeScript } = suite;
const SUCCESS = () => ({ params: { report: { type: "success" } } });
const startFixture = (backend: TestBackend, name: string, nodes: ScriptedNode[], timeoutMs = TIMEOUT_MS) =>
  suite.start(backend, name, nodes, timeoutMs);

async function waitStatus(f: ScriptedPool, status: string, timeoutMs = 8_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await blockRow(f.db);
    if (row?.status === status) return row;
    if (Date.now() > deadline) throw new Error(`block is ${row?.status ?? "not recorded"}, expected ${status}`);
    await Bun.sleep(50);
  }
}

const submittedBlocks = (n: ScriptedNode) => n.framesOf("submitBlock").map((f) => f.raw.slice(f.raw.indexOf('"block":')));

for (const backend of backends) {
  describe(backend.name, () => {
    test("a submission the node never answers is not rejected: the block is followed and credited when the node places it", async () => {
      let placed = false;
      const node = new ScriptedNode(nodeScript(() => "silent", () => (placed
        ? { blockColor: "blue", confirmationCount: 20, mergingChainBlockHash: HASH_HEX, rewardAmount: REWARD }
        : { blockColor: "unknown" }))).start();
      const f = await startFixture(backend, "silent", [node]);
      try {
        const { ms, reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        // Bounded by the request timeout, not by the silent node.
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
        expect((await waitStatus(f, "confirming")).reject_reason).toBeNull();
        await until(() => node.framesOf("submitBlock").length >= 2, 5_000, "a resubmission");
        placed = true;
        const row = await waitStatus(f, "credited");
        const ledger = await f.db.query<{ amount: string }>("SELECT amount::text AS amount FROM ledger WHERE block_hash = $1", [row.hash]);
        expect(ledger.length).toBeGreaterThan(0);
        expect(ledger.reduce((s, r) => s + BigInt(r.amount), 0n)).toBe(REWARD);
        // Every resubmission was the same block, byte for byte, and they stop once the block is settled.
        expect(new Set(submittedBlocks(node)).size).toBe(1);
        await until(async () => (await pendingCount(f)) === 0, 5_000, "the settled block to leave resubmission");
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("a socket dropped during submitBlock: the same block is resubmitted once the node is back and counts as accepted", async () => {
      const node = new ScriptedNode(nodeScript(() => {
        setTimeout(() => void node.stop(), 0);
        return "silent";
      })).start();
      const port = node.port;
      const f = await startFixture(backend, "drop", [node]);
      try {
        const { reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        const first = submittedBlocks(node);
        expect(first).toHaveLength(1);
        expect((await waitStatus(f, "confirming")).reject_reason).toBeNull();
        // Back on the same port; it has the block already, and says so the way rusty-kaspa does: success.
        const back = new ScriptedNode(nodeScript(SUCCESS), port).start();
        try {
          await until(() => back.framesOf("submitBlock").length >= 1, 5_000, "resubmission");
          expect(submittedBlocks(back)[0]).toBe(first[0]!);
          await until(async () => (await pendingCount(f)) === 0, 5_000, "the resubmission to be settled");
          expect((await blockRow(f.db))!.status).toBe("confirming");
        } finally {
          await back.stop();
        }
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("an explicit reject is a rejection, with the node's reason", async () => {
      const node = new ScriptedNode(nodeScript(() => ({ params: { report: { type: "reject", reason: "blockInvalid" } } }))).start();
      const f = await startFixture(backend, "reject", [node]);
      try {
        expect((await mineBlock(f.stratum.ports[0]!)).reply.result).toBe(true);
        expect(await waitStatus(f, "rejected")).toMatchObject({ reject_reason: "blockInvalid" });
        await Bun.sleep(300);
        expect(node.framesOf("submitBlock")).toHaveLength(1);
      } finally {
        await f.stop();
        await node.stop();
      }
    }, 60_000);

    test("two nodes, one silent and one accepting: the block is accepted at once", async () => {
      const dead = new ScriptedNode(nodeScript(() => "silent")).start();
      const live = new ScriptedNode(nodeScript(SUCCESS)).start();
      // A long timeout, so an answer well within it can only be the live node's.
      const f = await startFixture(backend, "two", [dead, live], 8_000);
      try {
        const { ms, reply } = await mineBlock(f.stratum.ports[0]!);
        expect(reply.result).toBe(true);
        expect(ms).toBeLessThan(4_000);
        expect(live.framesOf("submitBlock")).toHaveLength(1);
        expect(dead.framesOf("submitBlock")).toHaveLength(1);
        await waitStatus(f, "confirming");
        expect(await pendingCount(f)).toBe(0);
      } finally {
        await f.stop();
        await dead.stop();
        await live.stop();
      }
    }, 60_000);
  });
}


async function pendingCount(f: ScriptedPool): Promise<number> {
  return (await f.db.query("SELECT 1 FROM blocks WHERE pending_block IS NOT NULL")).length;
}
