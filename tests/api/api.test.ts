// The HTTP API over real HTTP against a seeded database, on both backends: shapes, values, conventions, errors.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { insertBlock, insertWindow } from "../../src/db/blocks.ts";
import { addRejects } from "../../src/db/history.ts";
import { aggregateOnce } from "../../src/shares/retention.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { startApi, type ApiServer } from "../../src/api/server.ts";
import type { BlockDagInfo } from "../../src/node/types.ts";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("api");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

// Two valid devnet addresses: a miner and the pool.
const MINER = "kaspadev:qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqucgkn889";
const OTHER = DEVNET_POOL_ADDRESS;
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
// Network: difficulty 2^31 × 1000 share units ⇒ 1000 × 2^32 hashes a block, 10 blocks a second.
const DAG = { difficulty: 1000 * 2 ** 31, virtualDaaScore: 123_456_789_012_345_678n } as BlockDagInfo;
const NET_HASHRATE = 1000 * 2 ** 32 * 10;
const BIG = 18_446_744_073_709_551_000n; // above 2^53: must survive as a string

async function seed(db: Database): Promise<void> {
  const shares: StoredShare[] = [];
  let n = 0;
  // rig1: difficulty 3 every 20 s over the last 30 minutes; rig2: difficulty 1 every minute, 2 hours ago.
  for (let t = NOW - 30 * 60_000; t < NOW; t += 20_000) shares.push({ address: MINER, worker: "rig1", mode: "pplns", difficulty: 3, jobId: "a", nonce: BigInt(++n), timestamp: t, run: "r" });
  for (let t = NOW - 150 * 60_000; t < NOW - 120 * 60_000; t += 60_000) shares.push({ address: MINER, worker: "rig2", mode: "pplns", difficulty: 1, jobId: "b", nonce: BigInt(++n), timestamp: t, run: "r" });
  shares.push({ address: OTHER, worker: "x", mode: "solo", difficulty: 50, jobId: "c", nonce: 1n, timestamp: NOW - 5 * 60_000, run: "r" });
  await insertShares(db, shares);
  await addRejects(db, [{ address: MINER, worker: "rig1", mode: "pplns", minute: NOW - 90_000 - ((NOW - 90_000) % 60_000), reason: "duplicate", count: 4 }]);
  for (let i = 1; i <= 3; i++) {
    const hash = String(i).repeat(64);
    await insertBlock(db, { hash, address: MINER, worker: "rig1", mode: "pplns", daaScore: BigInt(i), networkDifficulty: 1000,
      accepted: true, rejectReason: null, foundAt: NOW - (10 - i) * 60_000 });
    await insertWindow(db, hash, [{ address: MINER, worker: "rig1", weight: 10n, shareCount: 5 }]);
  }
  await db.query("UPDATE blocks SET status = 'matured', reward = $1 WHERE hash = $2", [BIG, "1".repeat(64)]);
  await applyLedger(db, [
    { wallet: MINER, minerId: "rig1", amount: 50_160_000_000n, reason: "block_credit", blockHash: "1".repeat(64), paymentId: null, note: null },
    { wallet: MINER, minerId: "rig2", amount: BIG, reason: "adjustment", blockHash: null, paymentId: null, note: "big" },
  ]);
  for (let i = 0; i < 3; i++) await db.query("INSERT INTO payments (wallet, amount, status, txid) VALUES ($1, $2, 'confirmed', $3)", [MINER, 1000 + i, "ab".repeat(32)]);
}

for (const backend of backends) {
  describe(backend.name, () => {
    let db: Database;
    let api: ApiServer;
    let base: string;
    const get = async (path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> => {
      const res = await fetch(base + path, init);
      return { status: res.status, headers: res.headers, body: res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text() };
    };
    beforeAll(async () => {
      db = await openDatabase(backend);
      await seed(db);
      const config = loadConfig({ env: {} });
      config.api.port = 0;
      config.api.rateLimit = { requestsPerSecond: 1000, burst: 1000 };
      config.api.corsOrigins = ["https://pool.example"];
      api = startApi({ db, config, dagInfo: async () => DAG, nodeProblem: async () => null, templatesFresh: () => true, clock: () => NOW });
      base = `http://127.0.0.1:${api.port}`;
    });
    afterAll(async () => {
      await api.stop();
      await db.close();
    });

    test("seed shapes: /balance, /total (with and without trailing slash), /config without secrets", async () => {
      const b = await get("/balance/");
      expect(b.body).toEqual({ balance: { [MINER]: { rig1: "50160000000", rig2: BIG.toString() } } });
      expect((await get(`/balance/${MINER}`)).body).toEqual(b.body);
      expect((await get(`/total`)).body).toEqual({ total: { [MINER]: (50_160_000_000n + BIG).toString() } });
      expect((await get(`/total/${OTHER}/`)).body).toEqual({ total: { [OTHER]: "0" } });
      const cfg = await get("/config/");
      expect(cfg.status).toBe(200);
      const text = JSON.stringify(cfg.body);
      for (const secret of ["database", "ws://", "urls", "pushgateway", "feeBump", "intervalMinutes"]) expect(text).not.toContain(secret);
      expect(cfg.body.treasury.fee).toBe(1);
    });

    test("/health, /ready", async () => {
      expect((await get("/health")).body.status).toBe("ok");
      expect((await get("/ready")).body).toEqual({ ready: true, checks: { database: "ok", node: "ok", templates: "ok" } });
    });

    test("/api/v1/pool: hashrate from history (10 min), blocks by status, paid total, network share", async () => {
      const { body } = await get("/api/v1/pool");
      // rig1: 10 minutes (+ the 30 s of the current minute) = 31 shares × 3; OTHER solo 50; window 630 s.
      const seconds = 630;
      expect(body.hashrate.pplns).toBeCloseTo((31 * 3 * 2 ** 32) / seconds, 3);
      expect(body.hashrate.solo).toBeCloseTo((50 * 2 ** 32) / seconds, 3);
      expect(body.miners).toBe(2);
      expect(body.workers).toBe(2);
      expect(body.blocks).toEqual({ rejected: 0, confirming: 2, red: 0, orphaned: 0, matured: 1, credited: 0 });
      expect(body.paid).toEqual({ sompi: "3003", kas: "0.00003003" });
      expect(body.network).toEqual({ hashrate: NET_HASHRATE, difficulty: DAG.difficulty, daa_score: "123456789012345678" });
      expect(body.pool_share).toBeCloseTo(body.hashrate.total / NET_HASHRATE, 9);
      expect(body.last_block.hash).toBe("3".repeat(64));
      // Once finished minutes are summed into pool_history, the same figures come from there.
      await aggregateOnce({ db, history: loadConfig({ env: {} }).history }, NOW);
      expect(Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pool_history"))[0]!.n)).toBeGreaterThan(10);
      // Per-worker rows of summed minutes are no longer read for pool-wide series: inflating them changes nothing.
      await db.query("UPDATE share_history SET work = work * 1000 WHERE slot < to_timestamp($1 / 1000.0)", [NOW - 60_000]);
      try {
        const series = (await get(`/api/v1/pool/hashrate?bucket=1m&from=${(NOW - 600_000) / 1000}&to=${NOW / 1000}`)).body;
        expect(series.items).toHaveLength(11);
        // Minute 5 holds rig1's three shares of 3 and the solo share of 50; the current minute still comes from share_history.
        expect(series.items[5].hashrate).toBeCloseTo((59 * 2 ** 32) / 60, 3);
        expect(series.items[10].hashrate).toBeCloseTo((3 * 2 ** 32) / 30, 3);
      } finally {
        await db.query("UPDATE share_history SET work = work / 1000 WHERE slot < to_timestamp($1 / 1000.0)", [NOW - 60_000]);
      }
    });

    test("series: /api/v1/pool/hashrate buckets, caps and 400s naming the parameter", async () => {
      const { body } = await get(`/api/v1/pool/hashrate?bucket=1h&from=${(NOW - 3 * 3_600_000) / 1000}&to=${NOW / 1000}`);
      expect(body.items.length).toBeLessThanOrEqual(4);
      const all = body.items.reduce((s: number, p: { hashrate: number }) => s + p.hashrate, 0);
      expect(all).toBeGreaterThan(0);
      for (const p of body.items) expect(p.hashrate).toBeLessThanOrEqual(NET_HASHRATE);
      expect((await get("/api/v1/pool/hashrate?bucket=2m")).body.error.message).toStartWith("bucket:");
      expect((await get("/api/v1/pool/hashrate?bucket=1m&from=0")).body.error.message).toStartWith("from:");
      expect((await get("/api/v1/pool/hashrate?to=yesterday")).status).toBe(400);
    });

    test("blocks: keyset paging, status filter, one block, 404 and 400", async () => {
      const p1 = await get("/api/v1/pool/blocks?limit=2");
      expect(p1.body.items.map((b: { hash: string }) => b.hash)).toEqual(["3".repeat(64), "2".repeat(64)]);
      const p2 = await get(`/api/v1/pool/blocks?limit=2&before=${p1.body.next_before}`);
      expect(p2.body.items.map((b: { hash: string }) => b.hash)).toEqual(["1".repeat(64)]);
      expect(p2.body.next_before).toBeNull();
      expect(p2.body.items[0].reward).toEqual({ sompi: BIG.toString(), kas: "184467440737.09551" });
      expect((await get("/api/v1/pool/blocks?status=matured")).body.items).toHaveLength(1);
      expect((await get("/api/v1/pool/blocks?status=nope")).body.error.message).toStartWith("status:");
      expect((await get("/api/v1/pool/blocks?limit=101")).body.error.message).toStartWith("limit:");
      expect((await get("/api/v1/pool/blocks?before=xyz")).body.error.message).toStartWith("before:");
      const one = await get(`/api/v1/pool/blocks/${"2".repeat(64)}`);
      expect(one.body.window).toEqual({ miners: 1, workers: 1, shares: 5 });
      expect((await get(`/api/v1/pool/blocks/${"9".repeat(64)}`)).status).toBe(404);
      expect((await get("/api/v1/pool/blocks/zz")).body.error.message).toStartWith("hash:");
    });

    test("payments and top miners", async () => {
      const p = await get("/api/v1/pool/payments?limit=2");
      expect(p.body.items.map((x: { amount: { sompi: string } }) => x.amount.sompi)).toEqual(["1002", "1001"]);
      expect((await get(`/api/v1/pool/payments?before=${p.body.next_before}`)).body.items).toHaveLength(1);
      const top = await get("/api/v1/pool/miners");
      expect(top.body.items.map((m: { address: string }) => m.address)).toEqual([MINER, OTHER]);
    });

    test("miner page: balance, paid, hashrate windows, workers online and offline, refusals", async () => {
      const m = await get(`/api/v1/miners/${MINER}`);
      expect(m.body.balance.sompi).toBe((50_160_000_000n + BIG).toString());
      expect(m.body.paid).toEqual({ sompi: "3003", kas: "0.00003003" });
      expect(m.body.hashrate["10m"]).toBeCloseTo((31 * 3 * 2 ** 32) / 630, 3);
      expect(m.body.workers).toEqual({ online: 1, idle: 0, offline: 1 });
      expect(m.body.last_payment.amount.sompi).toBe("1002");
      const w = await get(`/api/v1/miners/${MINER}/workers`);
      expect(w.body.items.map((x: { worker: string; status: string }) => [x.worker, x.status])).toEqual([["rig1", "online"], ["rig2", "offline"]]);
      expect(w.body.items[0].rejected_24h).toBe(4);
      const h = await get(`/api/v1/miners/${MINER}/hashrate?bucket=1h`);
      expect(h.body.workers).toEqual(["rig1", "rig2"]);
      const r = await get(`/api/v1/miners/${MINER}/rejects?bucket=1h`);
      expect(r.body.items.reduce((s: number, i: { rejected: { duplicate: number } }) => s + i.rejected.duplicate, 0)).toBe(4);
      const l = await get(`/api/v1/miners/${MINER}/ledger`);
      expect(l.body.items.map((x: { reason: string }) => x.reason).sort()).toEqual(["adjustment", "block_credit"]);
      const e = await get(`/api/v1/miners/${MINER}/earnings/daily?days=2`);
      expect(e.body.items.at(-1).amount.sompi).toBe("50160000000");
      expect((await get(`/api/v1/miners/${MINER}/earnings/daily?days=91`)).status).toBe(400);
      const bl = await get(`/api/v1/miners/${MINER}/blocks`);
      expect(bl.body.items).toHaveLength(3);
      expect(bl.body.items[2].credited.sompi).toBe("50160000000");
      expect((await get(`/api/v1/miners/${MINER}/payments`)).body.items).toHaveLength(3);
    });

    test("a new address gets designed zeros; a bad one a 400 naming address", async () => {
      const m = await get(`/api/v1/miners/${OTHER}`);
      expect(m.body.balance).toEqual({ sompi: "0", kas: "0" });
      expect(m.body.last_payment).toBeNull();
      const bad = await get("/api/v1/miners/kaspa:nope");
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toStartWith("address:");
    });

    test("conventions: GET only (405), unknown paths 404 as JSON, CORS for the configured origin", async () => {
      const post = await get("/balance", { method: "POST" });
      expect(post.status).toBe(405);
      expect(post.body.error.code).toBe("method_not_allowed");
      expect((await get("/nope")).body.error.code).toBe("not_found");
      const res = await fetch(`${base}/health`, { headers: { origin: "https://pool.example" } });
      expect(res.headers.get("access-control-allow-origin")).toBe("https://pool.example");
    });

    test("server-sent events: a newly recorded block arrives as block_found", async () => {
      const ctl = new AbortController();
      const res = await fetch(`${base}/api/v1/events`, { signal: ctl.signal });
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      let text = "";
      const hash = "4".repeat(64);
      setTimeout(() => void insertBlock(db, { hash, address: MINER, worker: "rig1", mode: "pplns", daaScore: 9n, networkDifficulty: 1000,
        accepted: true, rejectReason: null, foundAt: Date.now() }), 2_500);
      const deadline = Date.now() + 8_000;
      while (!text.includes(hash) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
      ctl.abort();
      expect(text).toContain("event: block_found");
      expect(text).toContain(hash);
    }, 15_000);
  });
}

test("rate limit: 429 with Retry-After past the burst", async () => {
  const db = await openDatabase({ url: null, embeddedPath: "memory://" });
  const config = loadConfig({ env: {} });
  config.api.port = 0;
  config.api.rateLimit = { requestsPerSecond: 1, burst: 3 };
  const api = startApi({ db, config });
  try {
    const codes: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${api.port}/health`);
      codes.push(res.status);
      if (res.status === 429) retry = res.headers.get("retry-after");
    }
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
  } finally {
    await api.stop();
    await db.close();
  }
}, 30_000);

test("rate limit per client IP: X-Forwarded-For only with api.trustProxy, and only the address the proxy added", async () => {
  const db = await openDatabase({ url: null, embeddedPath: "memory://" });
  const codes = async (trustProxy: boolean, forwardedFor: string[]) => {
    const config = loadConfig({ env: {} });
    config.api.port = 0;
    config.api.rateLimit = { requestsPerSecond: 0.01, burst: 1 };
    config.api.trustProxy = trustProxy;
    const api = startApi({ db, config });
    try {
      const out: number[] = [];
      for (const xff of forwardedFor) out.push((await fetch(`http://127.0.0.1:${api.port}/health`, { headers: { "X-Forwarded-For": xff } })).status);
      return out;
    } finally {
      await api.stop();
    }
  };
  try {
    // Not trusted: every request is the socket's (loopback), whatever the header says.
    expect(await codes(false, ["203.0.113.1", "203.0.113.2"])).toEqual([200, 429]);
    // Trusted: one bucket per client the proxy saw.
    expect(await codes(true, ["203.0.113.1", "203.0.113.2", "203.0.113.1"])).toEqual([200, 200, 429]);
    // A client's own X-Forwarded-For comes first and the proxy appends what it saw: a made-up first address
    // does not buy a fresh bucket.
    expect(await codes(true, ["203.0.113.1", "198.51.100.7, 203.0.113.1", "10.0.0.1,203.0.113.1"])).toEqual([200, 429, 429]);
  } finally {
    await db.close();
  }
}, 30_000);

test("a failure inside answers 500 as JSON without a stack trace; /ready says 503 and why", async () => {
  const db = await openDatabase({ url: null, embeddedPath: "memory://" });
  const config = loadConfig({ env: {} });
  config.api.port = 0;
  const api = startApi({ db, config, nodeProblem: async () => "node is not synced", templatesFresh: () => false });
  try {
    await db.close();
    const res = await fetch(`http://127.0.0.1:${api.port}/balance`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(text).not.toContain(" at ");
    const ready = await fetch(`http://127.0.0.1:${api.port}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, string> };
    expect(body.ready).toBe(false);
    expect(body.checks.node).toBe("node is not synced");
    expect(body.checks.templates).toStartWith("stale");
    expect(body.checks.database).not.toBe("ok");
  } finally {
    await api.stop();
  }
}, 30_000);
