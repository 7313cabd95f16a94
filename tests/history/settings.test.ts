// The retention settings at their defaults, on both backends: minutes older than 48 h become hours, hours older
// than 90 days go (pool-wide minutes too), SOLO shares stay for the margin, PPLNS shares stay while the window's
// work is unknown and then down to the window plus the margin.

import { afterAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { pruneOnce } from "../../src/shares/retention.ts";
import { testBackends } from "../db/backends.ts";

const backends = await testBackends("histsettings");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

const ages = async (db: Database, mode: string) =>
  (await db.query<{ ms: string }>("SELECT (extract(epoch FROM accepted_at) * 1000)::bigint::text AS ms FROM shares WHERE mode = $1 ORDER BY accepted_at", [mode]))
    .map((r) => (NOW - Number(r.ms)) / MIN);
const history = async (db: Database) =>
  (await db.query<{ span: number; ms: string; work: number }>(
    "SELECT span, (extract(epoch FROM slot) * 1000)::bigint::text AS ms, work FROM share_history WHERE mode = 'pplns' ORDER BY slot"))
    .map((r) => [Number(r.span), (NOW - Number(r.ms)) / MIN, Number(r.work)]);

for (const backend of backends) {
  describe(backend.name, () => {
    test("48 h of minutes, 90 days of hours, raw shares down to the window and the margin", async () => {
      const settings = loadConfig({ env: {} }).history;
      expect(settings).toEqual({ minutesKeptHours: 48, hoursKeptDays: 90, sharesMarginMinutes: 60, pruneIntervalSeconds: 300 });
      const db = await openDatabase(backend);
      try {
        let n = 0;
        const share = (mode: "pplns" | "solo", agoMs: number): StoredShare =>
          ({ address: "kaspa:qret", worker: "w", mode, difficulty: 5, jobId: "j", nonce: BigInt(++n), timestamp: NOW - agoMs, run: "r" });
        await insertShares(db, [
          share("pplns", 100 * DAY), share("pplns", 50 * HOUR), share("pplns", 47 * HOUR), share("pplns", 130 * MIN),
          share("pplns", 40 * MIN), share("pplns", 10 * MIN), share("solo", 61 * MIN), share("solo", 59 * MIN),
        ]);
        for (const ago of [91 * DAY, 89 * DAY]) {
          await db.query("INSERT INTO pool_history (slot, mode, work, accepted, rejected, miners, workers) VALUES (to_timestamp($1 / 1000.0), 'pplns', 1, 1, 0, 1, 1)", [NOW - ago]);
        }

        // The node is away: no window size, so every PPLNS share stays; SOLO shares go by age alone.
        const first = await pruneOnce({ db, history: settings, windowWork: async () => Promise.reject(new Error("node away")) }, NOW);
        expect(first).toEqual({ minutesRolled: 2, hoursDropped: 1, sharesDeleted: 1 });
        expect(await ages(db, "solo")).toEqual([59]);
        expect(await ages(db, "pplns")).toEqual([100 * 24 * 60, 50 * 60, 47 * 60, 130, 40, 10]);
        // The 100-day minute was rolled into its hour and dropped; the 50-hour one is an hour now; the 47-hour one
        // is still a minute.
        expect(await history(db)).toEqual([[3600, 50 * 60, 5], [60, 47 * 60, 5], [60, 130, 5], [60, 40, 5], [60, 10, 5]]);
        const pool = await db.query<{ ms: string }>("SELECT (extract(epoch FROM slot) * 1000)::bigint::text AS ms FROM pool_history");
        expect(pool.map((r) => (NOW - Number(r.ms)) / DAY)).toEqual([89]);

        // A window of 5 share units is the newest share alone; shares older than it and the 60-minute margin go.
        const second = await pruneOnce({ db, history: settings, windowWork: async () => 5 }, NOW);
        expect(second.sharesDeleted).toBe(4);
        expect(await ages(db, "pplns")).toEqual([40, 10]);
        // History keeps what the raw shares no longer hold.
        expect((await history(db)).map((r) => r[2]).reduce((a, b) => a + b, 0)).toBe(25);
      } finally {
        await db.close();
      }
    });
  });
}
