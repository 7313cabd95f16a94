// BlockSubmitter against scripted nodes over real WebSockets: what counts as a verdict when nodes disagree or fail.

import { afterEach, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { BlockSubmitter, type SubmitOutcome } from "../../src/node/blockSubmitter.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { ScriptedNode, until, type Script } from "./scriptedNode.ts";

const TEMPLATE: BlockTemplate = { header: { nonce: 0, daaScore: 5 }, transactions: [] };
const reject = (reason: string): Script => ({ submitBlock: () => ({ params: { report: { type: "reject", reason } } }) });
const SUCCESS: Script = { submitBlock: () => ({ params: { report: { type: "success" } } }) };
const SILENT: Script = { submitBlock: () => "silent" };

const nodes: ScriptedNode[] = [];
const submitters: BlockSubmitter[] = [];
afterEach(async () => {
  await Promise.all(submitters.splice(0).map((s) => s.close()));
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function submitTo(scripts: Script[], deadUrl?: string): Promise<{ outcome: SubmitOutcome; ms: number; nodes: ScriptedNode[] }> {
  const started = scripts.map((s) => new ScriptedNode(s).start());
  nodes.push(...started);
  const urls = started.map((n) => n.url).concat(deadUrl ? [deadUrl] : []);
  const submitter = new BlockSubmitter({ urls, requestTimeoutMs: 300, log: silentLogger });
  submitters.push(submitter);
  let connected = 0;
  submitter.onConnected(() => connected++);
  submitter.start();
  await until(() => connected === started.length, 3_000, "connections");
  const t0 = Date.now();
  const outcome = await submitter.submit(TEMPLATE, 0x1122334455667788n);
  return { outcome, ms: Date.now() - t0, nodes: started };
}

test("every node gets the block; the first success wins without waiting for a silent node", async () => {
  const { outcome, ms, nodes: [silent, live] } = await submitTo([SILENT, SUCCESS]);
  expect(outcome).toEqual({ status: "accepted" });
  expect(ms).toBeLessThan(300);
  expect(silent!.framesOf("submitBlock")[0]!.raw).toContain('"nonce":1234605616436508552');
  expect(live!.framesOf("submitBlock")).toHaveLength(1);
});

test("a reject is a verdict only when every node answered", async () => {
  expect((await submitTo([reject("blockInvalid"), reject("isInIBD")])).outcome).toEqual({ status: "rejected", reason: "blockInvalid" });
  const mixed = await submitTo([reject("blockInvalid"), SILENT]);
  expect(mixed.outcome.status).toBe("unanswered");
  expect((mixed.outcome as { error: string }).error).toContain("no reply within 300 ms");
});

test("an RPC error, or a node with no connection, leaves the block unanswered at once", async () => {
  const rpcError = await submitTo([{ submitBlock: () => ({ error: "consensus is currently in a transitional ibd state" }) }]);
  expect(rpcError.outcome).toEqual({ status: "unanswered", error: "consensus is currently in a transitional ibd state" });
  const noSocket = await submitTo([reject("blockInvalid")], "ws://127.0.0.1:9");
  expect(noSocket.outcome.status).toBe("unanswered");
  expect(noSocket.ms).toBeLessThan(300);
});
