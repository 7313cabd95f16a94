// /api/v1/events on both backends: the stats event's hashrate is the share history's (the figure /api/v1/pool
// shows), a block's status change arrives as block_status, and a new or settled payment as payment.

import { afterAll, describe, expect, test } from "bun:test";
import { startApi } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config/load.ts";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { insertBlock } from "../../src/db/blocks.ts";
import { openDatabase } from "../../src/db/database.ts";
import { insertShares } from "../../src/db/shares.ts";
import type { BlockDagInfo } from "../../src/node/types.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("apievents");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
const HASH = "e".repeat(64);

type Event = { event: string; data: any };

/** Server-sent events of one response; `until` reads on until `done` holds for what arrived since the last call. */
function eventReader(res: Response) {
  const reader = res.body!.getReader();
  let buffer = "";
  return async (done: (events: Event[]) => boolean, ms = 20_000) => {
    const events: Event[] = [];
    const deadline = Date.now() + ms;
    while (!done(events) && Date.now() < deadline) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += new TextDecoder().decode(chunk.value);
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = block.match(/^event: (.*)$/m)?.[1];
        const data = block.match(/^data: (.*)$/m)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
    return events;
  };
}

for (const backend of backends) {
  describe(backend.name, () => {
    test("stats from history, block_status and payment", async () => {
      const db = await openDatabase(backend);
      const config = loadConfig({ env: {} });
      config.api.port = 0;
      // Shares of difficulty 4 every 30 s over the last 20 minutes; a block already recorded before anyone listens.
      const shares = [];
      for (let t = NOW - 20 * 60_000, n = 0; t < NOW; t += 30_000) {
        shares.push({ address: DEVNET_POOL_ADDRESS, worker: "w", mode: "pplns" as const, difficulty: 4, jobId: "j", nonce: BigInt(++n), timestamp: t, run: "r" });
      }
      await insertShares(db, shares);
      await insertBlock(db, { hash: HASH, address: DEVNET_POOL_ADDRESS, worker: "w", mode: "pplns", daaScore: 1n, networkDifficulty: 1,
        accepted: true, rejectReason: null, foundAt: NOW - 60_000 });
      const dag = { difficulty: 1e6 * 2 ** 31, virtualDaaScore: 1n } as BlockDagInfo;
      const api = startApi({ db, config, dagInfo: async () => dag, clock: () => NOW });
      const ctl = new AbortController();
      try {
        const base = `http://127.0.0.1:${api.port}`;
        const res = await fetch(`${base}/api/v1/events`, { signal: ctl.signal });
        const until = eventReader(res);
        const first = await until((e) => e.some((x) => x.event === "stats"));
        const stats = first.find((x) => x.event === "stats")!.data;
        const pool = (await (await fetch(`${base}/api/v1/pool`)).json()) as { hashrate: { total: number } };
        // 10 minutes and the 30 s of the current one: 21 shares of 4 over 630 s.
        expect(stats.hashrate).toBeCloseTo((21 * 4 * 2 ** 32) / 630, 3);
        expect(stats.hashrate).toBe(pool.hashrate.total);
        expect(stats.network_hashrate).toBe(1e6 * 2 ** 32 * 10);

        // The first poll has taken its bearings: what changes now is sent.
        await db.query("UPDATE blocks SET status = 'matured', updated_at = now() WHERE hash = $1", [HASH]);
        const [p] = await db.query<{ id: string }>(
          "INSERT INTO payments (wallet, amount, status, txid) VALUES ($1, 123456789, 'confirmed', $2) RETURNING id::text AS id", [DEVNET_POOL_ADDRESS, "ab".repeat(32)]);
        const later = await until((e) => e.some((x) => x.event === "block_status") && e.some((x) => x.event === "payment"));
        expect(later.find((x) => x.event === "block_status")?.data).toMatchObject({ hash: HASH, status: "matured", mode: "pplns", finder: DEVNET_POOL_ADDRESS });
        expect(later.find((x) => x.event === "payment")?.data).toEqual({
          id: p!.id, wallet: DEVNET_POOL_ADDRESS, amount: { sompi: "123456789", kas: "1.23456789" }, status: "confirmed", txid: "ab".repeat(32),
        });
        expect(later.some((x) => x.event === "block_found")).toBe(false);
      } finally {
        ctl.abort();
        await api.stop();
        await db.close();
      }
    }, 60_000);
  });
}
