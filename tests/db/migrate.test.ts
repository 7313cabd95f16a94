import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, DatabaseUnavailableError } from "../../src/db/database.ts";
import { applyMigrations, loadMigrations, renderInitSql } from "../../src/db/migrate.ts";
import { createPostgresDatabase, testBackends } from "./backends.ts";

const backends = await testBackends("migrate");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

test("init.sql is the migrations rendered in order", () => {
  const initSql = readFileSync(join(import.meta.dir, "..", "..", "init.sql"), "utf8");
  expect(initSql).toBe(renderInitSql());
  const versions = loadMigrations().map((m) => m.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("opening an empty database applies every migration once; reopening applies none", async () => {
      const db = await openDatabase(backend);
      const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => Number(r.version))).toEqual(loadMigrations().map((m) => m.version));
      expect(await applyMigrations(db)).toEqual([]);
      // kaspool's original tables answer their original queries.
      await db.query("INSERT INTO miners_balance (id, miner_id, wallet, balance) VALUES ($1, $2, $3, $4)", [
        "rig1_kaspa:qz", "rig1", "kaspa:qz", 5n,
      ]);
      await db.query("INSERT INTO wallet_total (address, total) VALUES ($1, $2)", ["kaspa:qz", 5n]);
      const [b] = await db.query<{ balance: string }>("SELECT balance::text FROM miners_balance WHERE wallet = $1", ["kaspa:qz"]);
      expect(b.balance).toBe("5");
      await db.close();
    });

    test("a transaction that throws leaves nothing behind", async () => {
      const db = await openDatabase(backend);
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO wallet_total (address, total) VALUES ($1, $2)", ["kaspa:rolledback", 1n]);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await db.query("SELECT 1 FROM wallet_total WHERE address = $1", ["kaspa:rolledback"])).toHaveLength(0);
      await db.close();
    });

    test("u64 money round-trips exactly", async () => {
      const db = await openDatabase(backend);
      const max = 2n ** 64n - 1n;
      const [r] = await db.query<{ v: string }>("SELECT ($1::numeric(20,0))::text AS v", [max]);
      expect(BigInt(r.v)).toBe(max);
      await db.close();
    });
  });
}

test("init.sql applied by psql-style script leaves the app with nothing to migrate", async () => {
  const backend = await createPostgresDatabase("initsql");
  if (!backend) return;
  try {
    const client = new pg.Client({ connectionString: backend.url! });
    await client.connect();
    await client.query(renderInitSql());
    await client.end();
    const db = await openDatabase(backend);
    expect(await applyMigrations(db)).toEqual([]);
    await db.close();
  } finally {
    await backend.drop();
  }
});

test("an unreachable Postgres gives a clear DatabaseUnavailableError", async () => {
  const err = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none", embeddedPath: "memory://" }).catch((e) => e);
  expect(err).toBeInstanceOf(DatabaseUnavailableError);
  expect(String(err.message)).toContain("database unavailable");
});
