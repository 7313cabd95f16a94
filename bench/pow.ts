// PoW cost on the stratum hot path: µs per share check (pow + compare) and per template (new state, including
// the pre-PoW hash), for our implementation and for kaspa-wasm 0.13.0. Run: bun run bench/pow.ts
// Each figure is process CPU time (not wall time, so other processes on a shared machine do not inflate it),
// the best of several rounds so that JIT warm-up weighs less.

import { parseHeader, prePowHash } from "../src/kaspa/header.ts";
import { PowState } from "../src/kaspa/pow/index.ts";
import { difficultyToTarget } from "../src/kaspa/target.ts";
import { WasmHeader, WasmPowState } from "../wasm/index.ts";
import { randomHeaders } from "../tests/kaspa/helpers.ts";

const ROUNDS = 5;
const TEMPLATES = 200;
const CHECKS = 100_000;
const shareTarget = difficultyToTarget(1024);

function bestPerCall(label: string, calls: number, run: () => void): void {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / calls);
  }
  console.log(`${label.padEnd(46)} ${best.toFixed(2).padStart(8)} µs`);
}

const jsons = randomHeaders(TEMPLATES);
const headers = jsons.map(parseHeader);
const wasmHeaders = jsons.map((j) => new WasmHeader(j));
const nonces = headers.map((h) => h.nonce);

bestPerCall("ours: per template (pre-PoW hash + PowState)", TEMPLATES, () => {
  for (const h of headers) new PowState(prePowHash(h), h.timestamp);
});
bestPerCall("kaspa-wasm: per template (new State(header))", TEMPLATES, () => {
  for (const h of wasmHeaders) new WasmPowState(h).free();
});

const ours = new PowState(prePowHash(headers[0]!), headers[0]!.timestamp);
const wasm = new WasmPowState(wasmHeaders[0]!);
let accepted = 0; // consumed below so the checks cannot be optimised away
bestPerCall("ours: per share check (pow < share target)", CHECKS, () => {
  for (let i = 0; i < CHECKS; i++) if (ours.pow(nonces[i % TEMPLATES]! + BigInt(i)) < shareTarget) accepted++;
});
bestPerCall("kaspa-wasm: per share check (checkPow)", CHECKS, () => {
  for (let i = 0; i < CHECKS; i++) if ((wasm.checkPow(nonces[i % TEMPLATES]! + BigInt(i))[1] as bigint) < shareTarget) accepted++;
});
console.log(`(${accepted} checks were under the difficulty-1024 target)`);
