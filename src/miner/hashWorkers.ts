// A set of hashing workers, each scanning its own slice of the nonce space for the same work.

import type { ScanCommand, ScanReport } from "./scanProtocol.ts";
import { threadRange } from "./nonce.ts";
import type { Work } from "./session.ts";

export interface HashWorkersEvents {
  share(key: number, nonce: bigint): void;
  hashes(count: number): void;
}

function random64(): bigint {
  const b = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(b[0]!) << 32n) | BigInt(b[1]!);
}

export class HashWorkers {
  private readonly workers: Worker[] = [];

  constructor(threads: number, events: HashWorkersEvents) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL("./scanWorker.ts", import.meta.url).href);
      worker.onmessage = (event: MessageEvent<ScanReport>) => {
        const r = event.data;
        if (r.type === "share") events.share(r.key, r.nonce);
        else events.hashes(r.count);
      };
      this.workers.push(worker);
    }
  }

  setWork(work: Work): void {
    this.workers.forEach((w, i) => {
      const range = threadRange(work.extranonce, i, this.workers.length, random64());
      const { prePowHash, timestamp } = work.job;
      this.post(w, { type: "work", key: work.key, prePowHash, timestamp, target: work.target, ...range });
    });
  }

  setTarget(key: number, target: bigint): void {
    for (const w of this.workers) this.post(w, { type: "target", key, target });
  }

  idle(): void {
    for (const w of this.workers) this.post(w, { type: "idle" });
  }

  stop(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }

  private post(worker: Worker, cmd: ScanCommand): void {
    worker.postMessage(cmd);
  }
}
