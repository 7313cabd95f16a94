// PoW cost on the stratum hot path: µs per share check (pow + compare) and per template (new state, including
// the pre-PoW hash), for our implementation and for kaspa-wasm 0.13.0. Run: bun run bench/pow.ts

import { parseHeader, prePowHash } from "../src/kaspa/header.ts";
import { PowState } from "../src/kaspa/pow/index.ts";
import { difficultyToTarget } from "../src/kaspa/target.ts";
import { WasmHeader, WasmPowState } from "../wasm/index.ts";
import { randomHeaders } from "../tests/kaspa/helpers.ts";

const TEMPLATES = 300;
const CHECKS = 200_000;
const shareTarget = difficultyToTarget(1024);

function perCall(label: string, calls: number, run: () => void): number {
  run(); // warm up
  const start = Bun.nanoseconds();
  run();
  const us = (Bun.nanoseconds() - start) / 1000 / calls;
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(8)} µs`);
  return us;
}

const jsons = randomHeaders(TEMPLATES);
const headers = jsons.map(parseHeader);
const wasmHeaders = jsons.map((j) => new WasmHeader(j));

perCall("ours: per template (pre-PoW hash + PowState)", TEMPLATES, () => {
  for (const h of headers) new PowState(prePowHash(h), h.timestamp);
});
perCall("kaspa-wasm: per template (new State)", TEMPLATES, () => {
  for (const h of wasmHeaders) new WasmPowState(h).free();
});

const ours = new PowState(prePowHash(headers[0]!), headers[0]!.timestamp);
const wasm = new WasmPowState(wasmHeaders[0]!);
let accepted = 0; // consumed below so the checks cannot be optimised away
perCall("ours: per share check (pow < share target)", CHECKS, () => {
  for (let n = 0n; n < BigInt(CHECKS); n++) if (ours.pow(n) < shareTarget) accepted++;
});
perCall("kaspa-wasm: per share check (checkPow)", CHECKS, () => {
  for (let n = 0n; n < BigInt(CHECKS); n++) if ((wasm.checkPow(n)[1] as bigint) < shareTarget) accepted++;
});
console.log(`(${accepted} checks were under the difficulty-1024 target)`);
