// Our header hashing and PoW against kaspa-wasm 0.13.0 (rusty-kaspa compiled to WASM) on varied headers.

import { expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import { blockHash, parseHeader, prePowHash } from "../../src/kaspa/header.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { bitsToTarget } from "../../src/kaspa/target.ts";
import { WasmHeader, WasmPowState } from "../../wasm/index.ts";
import { randomHeaders } from "./helpers.ts";

test("block hash, pre-PoW hash, target and PoW equal kaspa-wasm's on 200 headers", () => {
  const headers = randomHeaders(200);
  let checked = 0;
  for (const json of headers) {
    const h = parseHeader(json);
    const wasmHeader = new WasmHeader(json);
    const wasmState = new WasmPowState(wasmHeader);
    const ours = new PowState(prePowHash(h), h.timestamp);
    const where = `header ${JSON.stringify(json, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
    expect(blockHash(h), where).toBe(wasmHeader.finalize());
    expect(bytesToHex(prePowHash(h)), where).toBe(wasmState.prePowHash);
    expect(bitsToTarget(h.bits), where).toBe(wasmState.target);
    for (const nonce of [h.nonce, h.nonce ^ 0xffffffffn, 0n, 2n ** 64n - 1n]) {
      const [, wasmPow] = wasmState.checkPow(nonce) as [boolean, bigint];
      expect(ours.pow(nonce), `${where} nonce ${nonce}`).toBe(wasmPow);
      checked++;
    }
    wasmState.free();
    wasmHeader.free();
  }
  expect(checked).toBe(800);
});
