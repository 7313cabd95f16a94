// A client we did not write: the Kaspa WASM SDK's RpcClient (kaspa-wasm 0.13.0) with JSON encoding. It proves the
// devnet's framing (random u64 ids, reply shape) against independent code. The SDK predates rusty-kaspa v2.x, so
// it cannot decode two v2.x replies; those failures are pinned here so a drift of the devnet's shapes shows up.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { WasmEncoding, WasmRpcClient } from "../../wasm/index.ts";
import { devAddress } from "./fixtures.ts";

let devnet: Devnet;
let client: WasmRpcClient;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, bps: 10 });
  client = new WasmRpcClient(devnet.url, WasmEncoding.SerdeJson, "devnet");
  await client.connect({});
});

afterAll(async () => {
  await client.disconnect();
  await devnet.stop();
});

test("getInfo round-trips through the SDK (its request ids are random u64s)", async () => {
  const info = await (client as any).getInfo({});
  expect(info).toMatchObject({ serverVersion: "2.0.1", isUtxoIndexed: true, isSynced: true });
});

test("getServerInfo: the SDK wants the pre-v2 rpcApiVersion array, the devnet sends v2.x's u16", async () => {
  await expect((client as any).getServerInfo({})).rejects.toThrow("expected an array of length 4");
});

test("getBlockTemplate: the SDK wants a header hash, v2.x templates (RpcRawHeader) have none", async () => {
  await expect((client as any).getBlockTemplate({ payAddress: devAddress(9), extraData: [] })).rejects.toThrow("missing field `hash`");
});
