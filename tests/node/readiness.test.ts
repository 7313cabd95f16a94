import { expect, test } from "bun:test";
import { readinessProblem } from "../../src/node/readiness.ts";
import type { ServerInfo } from "../../src/node/types.ts";

const ok: ServerInfo = { rpcApiVersion: 1, serverVersion: "2.0.1", networkId: "mainnet", hasUtxoIndex: true, isSynced: true, virtualDaaScore: 1n };

test("a synced mainnet node with a UTXO index is ready", () => {
  expect(readinessProblem(ok, "mainnet")).toBeNull();
});

test("each problem is named", () => {
  expect(readinessProblem({ ...ok, networkId: "testnet-10" }, "mainnet")).toBe("node is on testnet-10, the pool is configured for mainnet");
  expect(readinessProblem({ ...ok, hasUtxoIndex: false }, "mainnet")).toBe("node runs without --utxoindex");
  expect(readinessProblem({ ...ok, isSynced: false }, "mainnet")).toBe("node is not synced");
});
