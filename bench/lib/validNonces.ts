// Worker for the load generator: finds nonces that meet a share target, so the generator can later
// submit valid shares at full speed without hashing.

import { PowState } from "../../src/kaspa/pow/index.ts";

declare const self: Worker;

export interface ValidNoncesRequest {
  prePowHash: Uint8Array;
  timestamp: bigint;
  target: bigint;
  start: bigint;
  count: number;
}

self.onmessage = (event: MessageEvent<ValidNoncesRequest>) => {
  const { prePowHash, timestamp, target, start, count } = event.data;
  const state = new PowState(prePowHash, timestamp);
  const found = new BigUint64Array(count);
  let nonce = start;
  for (let i = 0; i < count; nonce++) if (state.pow(nonce) < target) found[i++] = nonce;
  self.postMessage(found);
};
