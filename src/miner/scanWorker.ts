// Worker thread: hashes its slice of the nonce space for the current work until told otherwise.
// Hashing runs in time-boxed batches so new work and target changes are picked up within ~20 ms.

import { PowState } from "../kaspa/pow/index.ts";
import type { ScanCommand, ScanReport } from "./scanProtocol.ts";

declare const self: Worker;

const BATCH_MS = 20;

let state: PowState | null = null;
let key = 0;
let target = 0n;
let base = 0n;
let size = 1n;
let cursor = 0n;
let scheduled = false;

function report(msg: ScanReport): void {
  self.postMessage(msg);
}

function scan(): void {
  scheduled = false;
  if (!state) return;
  const start = performance.now();
  let count = 0;
  do {
    for (let i = 0; i < 32; i++) {
      const nonce = base + cursor;
      if (++cursor === size) cursor = 0n;
      if (state.pow(nonce) < target) report({ type: "share", key, nonce });
    }
    count += 32;
  } while (performance.now() - start < BATCH_MS);
  report({ type: "hashes", count });
  schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(scan, 0);
}

self.onmessage = (event: MessageEvent<ScanCommand>) => {
  const cmd = event.data;
  if (cmd.type === "work") {
    state = new PowState(cmd.prePowHash, cmd.timestamp);
    ({ key, target, base, size } = cmd);
    cursor = cmd.offset;
    schedule();
  } else if (cmd.type === "target") {
    if (cmd.key === key) target = cmd.target;
  } else {
    state = null;
  }
};
