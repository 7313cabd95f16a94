// Hashrate figures the main API test checks only in part, against sums over the very shares stored, on both
// backends: each worker's series point, each worker's 10 m / 1 h / 24 h figures, and the top miners.

import { afterAll, describe, expect, test } from "bun:test";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import type { BlockDagInfo } from "../../src/node/types.ts";
import { testBackends } from "../db/backends.ts";
import { seededApi } from "./seededApi.ts";

const backends = await testBackends("apivalues");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const A = DEVNET_POOL_ADDRESS;
const B = encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0x5b));
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN + 30_000;
const H = 2 ** 32;
const DAG = { difficulty: 1e9 * 2 ** 31, virtualDaaScore: 1n } as BlockDagInfo;

// A: worker "a" difficulty 2 each minute for the last 2 hours, "b" difficulty 6 from 90 to 30 minutes ago.
// B: one worker, difficulty 1 each minute for the last 20 minutes.
const SHARES: StoredShare[] = [];
let n = 0;
const add = (address: string, worker: string, difficulty: number, fromMin: number, toMin: number) => {
  for (let m = fromMin; m > toMin; m--) {
    SHARES.push({ address, worker, mode: "pplns", difficulty, jobId: "j", nonce: BigInt(++n), timestamp: NOW - m * MIN - 10_000, run: "r" });
  }
};
add(A, "a", 2, 120, -1);
add(A, "b", 6, 90, 30);
add(B, "x", 1, 20, -1);

/** Σ difficulty × 2^32 of the stored shares in [from, to), over the seconds of that span already past. */
function expected(filter: (s: StoredShare) => boolean, from: number, to: number): number {
  const work = SHARES.filter((s) => filter(s) && s.timestamp >= from && s.timestamp < to).reduce((a, s) => a + s.difficulty, 0);
  const seconds = (Math.min(to, NOW) - from) / 1000;
  return work ? (work * H) / seconds : 0;
}
/** The window a "last N minutes" figure covers: from the start of the minute holding now - N. */
const since = (ms: number) => Math.floor((NOW - ms) / MIN) * MIN;

for (const backend of backends) {
  describe(backend.name, () => {
    const api = seededApi(backend, { now: NOW, dag: DAG, seed: async (db) => void (await insertShares(db, SHARES)) });
    const get = async (path: string) => (await (await fetch(api.base + path)).json()) as any;

    test("a miner's series: every bucket of every worker is its shares' work over the bucket", async () => {
      const from = NOW - 120 * MIN;
      const body = await get(`/api/v1/miners/${A}/hashrate?bucket=1m&from=${from / 1000}&to=${NOW / 1000}`);
      expect(body.workers).toEqual(["a", "b"]);
      expect(body.items).toHaveLength(121);
      for (const item of body.items) {
        const start = Date.parse(item.time);
        for (const w of ["a", "b"]) expect(item.workers[w]).toBeCloseTo(expected((s) => s.address === A && s.worker === w, start, start + MIN), 3);
        expect(item.hashrate).toBeCloseTo(item.workers.a + item.workers.b, 3);
      }
      expect(body.items.filter((i: { workers: { b: number } }) => i.workers.b > 0)).toHaveLength(60);
    });

    test("each worker's 10 m, 1 h and 24 h figures, and the top miners", async () => {
      const { items } = await get(`/api/v1/miners/${A}/workers`);
      for (const w of items) {
        for (const [k, ms] of [["10m", 10 * MIN], ["1h", 60 * MIN], ["24h", 1440 * MIN]] as const) {
          expect(w.hashrate[k]).toBeCloseTo(expected((s) => s.address === A && s.worker === w.worker, since(ms), NOW + 1), 3);
        }
      }
      expect(items.find((w: { worker: string }) => w.worker === "b").hashrate["10m"]).toBe(0);
      const top = await get("/api/v1/pool/miners");
      expect(top.items.map((m: { address: string }) => m.address)).toEqual([A, B]);
      for (const m of top.items) {
        expect(m.hashrate).toBeCloseTo(expected((s) => s.address === m.address, since(10 * MIN), NOW + 1), 3);
        expect(m.workers).toBe(1);
      }
    });
  });
}
