import { expect, test } from "bun:test";
import { majorVersion, readinessProblem } from "../../src/node/readiness.ts";
import type { ServerInfo } from "../../src/node/types.ts";

const ok: ServerInfo = { rpcApiVersion: 1, serverVersion: "2.0.1", networkId: "mainnet", hasUtxoIndex: true, isSynced: true, virtualDaaScore: 1n };

test("a synced mainnet node with a UTXO index is ready", () => {
  expect(readinessProblem(ok, "mainnet")).toBeNull();
  expect(readinessProblem({ ...ok, serverVersion: "2.1.0-rc1" }, "mainnet")).toBeNull();
  expect(readinessProblem({ ...ok, serverVersion: "10.0.0" }, "mainnet")).toBeNull();
});

test("each problem is named", () => {
  expect(readinessProblem({ ...ok, networkId: "testnet-10" }, "mainnet")).toBe("node is on testnet-10, the pool is configured for mainnet");
  expect(readinessProblem({ ...ok, hasUtxoIndex: false }, "mainnet")).toBe("node runs without --utxoindex");
  expect(readinessProblem({ ...ok, isSynced: false }, "mainnet")).toBe("node is not synced");
});

test("a node older than rusty-kaspa 2.0 (no getBlockRewardInfo) is refused, as is a version that cannot be read", () => {
  expect(readinessProblem({ ...ok, serverVersion: "1.0.1" }, "mainnet"))
    .toBe('node version "1.0.1" is too old: kaspool needs rusty-kaspa 2.0.0 or newer (getBlockRewardInfo)');
  expect(readinessProblem({ ...ok, serverVersion: "0.16.1" }, "mainnet")).toContain("too old");
  expect(readinessProblem({ ...ok, serverVersion: "" }, "mainnet")).toContain("too old");
  expect(readinessProblem({ ...ok, serverVersion: "garbage" }, "mainnet")).toContain("too old");
  expect(majorVersion("2.0.1")).toBe(2);
  expect(majorVersion("1.1.0-dev")).toBe(1);
  expect(majorVersion("2")).toBeNull();
});
