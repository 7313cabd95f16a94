// The API's conventions on every endpoint they apply to, on both backends: trailing slashes on the seed routes,
// limits and cursors on every list, the 1000-point cap on every series, one-line 400s naming the parameter, and no
// hashrate anywhere above the network's, even when the history holds more work than the network could do.

import { afterAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import type { BlockDagInfo } from "../../src/node/types.ts";
import { aggregateOnce } from "../../src/shares/retention.ts";
import { testBackends } from "../db/backends.ts";
import { seededApi } from "./seededApi.ts";

const backends = await testBackends("apiconv");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const A = DEVNET_POOL_ADDRESS;
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
// Network difficulty 1 share unit a block at 10 blocks/s: 2^32 × 10 H/s. The miner below does thousands of times that.
const DAG = { difficulty: 2 ** 31, virtualDaaScore: 1n } as BlockDagInfo;
const NET = 2 ** 32 * 10;

const LISTS = ["/api/v1/pool/blocks", "/api/v1/pool/payments", `/api/v1/miners/${A}/payments`, `/api/v1/miners/${A}/ledger`, `/api/v1/miners/${A}/blocks`];
const SERIES = ["/api/v1/pool/hashrate", `/api/v1/miners/${A}/hashrate`, `/api/v1/miners/${A}/rejects`];

for (const backend of backends) {
  describe(backend.name, () => {
    const api = seededApi(backend, {
      now: NOW, dag: DAG,
      async seed(db) {
        const shares: StoredShare[] = [];
        let n = 0;
        // Two workers, difficulty 1000 every 10 s for three hours (PPLNS and SOLO).
        for (let t = NOW - 3 * 3_600_000; t < NOW; t += 10_000) {
          for (const worker of ["a", "b"]) shares.push({ address: A, worker, mode: worker === "a" ? "pplns" : "solo", difficulty: 1000, jobId: "j", nonce: BigInt(++n), timestamp: t, run: "r" });
        }
        await insertShares(db, shares);
        await aggregateOnce({ db, history: loadConfig({ env: {} }).history }, NOW);
      },
    });
    const get = async (path: string) => {
      const res = await fetch(api.base + path);
      return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as any };
    };

    test("every seed route answers the same with a trailing slash", async () => {
      for (const path of ["/config", "/balance", `/balance/${A}`, "/total", `/total/${A}`, "/health"]) {
        const [plain, slashed] = [await get(path), await get(`${path}/`)];
        expect(`${path} ${plain.status}`).toBe(`${path} 200`);
        expect(slashed.body).toEqual(plain.body);
      }
    });

    test("CORS is off unless api.corsOrigins names an origin", async () => {
      const res = await fetch(`${api.base}/health`, { headers: { origin: "https://elsewhere.example" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    });

    test("lists: limit 1 to 100, next_before or null, a foreign cursor refused", async () => {
      for (const path of LISTS) {
        const ok = await get(`${path}?limit=100`);
        expect(`${path} ${ok.status}`).toBe(`${path} 200`);
        expect(ok.body).toHaveProperty("next_before", null);
        expect(Array.isArray(ok.body.items)).toBe(true);
        for (const q of ["limit=101", "limit=0", "limit=x"]) expect((await get(`${path}?${q}`)).body.error.message).toStartWith("limit:");
        expect((await get(`${path}?before=nope`)).body.error.message).toStartWith("before:");
      }
    });

    test("series: at most 1000 points, a bad bucket or range a 400 naming it", async () => {
      for (const path of SERIES) {
        const thousand = await get(`${path}?bucket=1m&from=${(NOW - 1000 * 60_000 + 30_000) / 1000}&to=${NOW / 1000}`);
        expect(`${path} ${thousand.status}`).toBe(`${path} 200`);
        expect(thousand.body.items).toHaveLength(1000);
        expect((await get(`${path}?bucket=1m&from=${(NOW - 1001 * 60_000) / 1000}&to=${NOW / 1000}`)).body.error.message).toStartWith("from:");
        expect((await get(`${path}?bucket=1w`)).body.error.message).toStartWith("bucket:");
        expect((await get(`${path}?to=soon`)).body.error.message).toStartWith("to:");
      }
    });

    test("every 400 is JSON with one line that starts with the parameter", async () => {
      const bad: Array<[string, string]> = [
        ["/balance/kaspa:nope", "address"], ["/total/x", "address"], [`/api/v1/miners/${"q".repeat(300)}`, "address"],
        ["/api/v1/pool/blocks?status=lost", "status"], ["/api/v1/pool/blocks/1234", "hash"],
        [`/api/v1/miners/${A}/earnings/daily?days=0`, "days"], [`/api/v1/miners/kaspa:x/workers`, "address"],
        ["/api/v1/pool/hashrate?from=2026-01-02&to=2026-01-01", "from"], ["/api/v1/pool/miners?limit=1000", "limit"],
      ];
      for (const [path, param] of bad) {
        const r = await get(path);
        expect(`${path} ${r.status}`).toBe(`${path} 400`);
        expect(r.type).toContain("application/json");
        expect(r.body.error.code).toBe("invalid_parameter");
        expect(r.body.error.message).toStartWith(`${param}:`);
        expect(r.body.error.message).not.toContain("\n");
      }
    });

    test("no hashrate is above the network's, whatever the history holds", async () => {
      const pool = (await get("/api/v1/pool")).body;
      expect(pool.hashrate.total).toBe(NET);
      for (const k of ["pplns", "solo"]) expect(pool.hashrate[k]).toBeLessThanOrEqual(NET);
      expect(pool.pool_share).toBe(1);
      const rates: number[] = [];
      for (const p of (await get("/api/v1/pool/hashrate?bucket=5m")).body.items) rates.push(p.hashrate);
      for (const m of (await get("/api/v1/pool/miners")).body.items) rates.push(m.hashrate);
      const miner = (await get(`/api/v1/miners/${A}`)).body;
      rates.push(...Object.values(miner.hashrate as Record<string, number>));
      for (const w of (await get(`/api/v1/miners/${A}/workers`)).body.items) rates.push(...Object.values(w.hashrate as Record<string, number>));
      for (const p of (await get(`/api/v1/miners/${A}/hashrate?bucket=1h`)).body.items) rates.push(p.hashrate, ...Object.values(p.workers as Record<string, number>));
      expect(rates.length).toBeGreaterThan(300);
      // Capped, not zeroed: the figures are the network's hashrate itself.
      expect(Math.max(...rates)).toBe(NET);
      for (const r of rates) expect(r).toBeLessThanOrEqual(NET);
    });
  });
}
