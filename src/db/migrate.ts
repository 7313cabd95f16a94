// Versioned schema migrations. src/db/migrations/NNN_name.sql is the only DDL source; init.sql is rendered from it.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database, Queryable } from "./database.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(import.meta.dir, "migrations");

const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);`;

// Serialises concurrent start-ups of several pool processes against one database.
const MIGRATION_LOCK_KEY = 0x6b6173706f6f6c; // "kaspool"

export function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => {
      const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!m) throw new Error(`migration file name must be NNN_name.sql: ${file}`);
      return { version: Number(m[1]), name: m[2], sql: readFileSync(join(MIGRATIONS_DIR, file), "utf8") };
    });
}

const recordSql = (m: Migration) =>
  `INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}') ON CONFLICT DO NOTHING;`;

/** The script docker compose mounts into Postgres: every migration, recorded as applied. */
export function renderInitSql(migrations: Migration[] = loadMigrations()): string {
  const parts = [
    "-- Generated from src/db/migrations/*.sql by `bun run src/db/writeInitSql.ts`; do not edit by hand.",
    "BEGIN;",
    SCHEMA_MIGRATIONS_DDL,
  ];
  for (const m of migrations) {
    parts.push(`-- ${String(m.version).padStart(3, "0")}_${m.name}`, m.sql.trimEnd(), recordSql(m));
  }
  parts.push("COMMIT;");
  return parts.join("\n\n") + "\n";
}

/** Applies the migrations not yet recorded, each in the same transaction as its record. Returns their names. */
export async function applyMigrations(db: Pick<Database, "transaction">): Promise<string[]> {
  const migrations = loadMigrations();
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.query(SCHEMA_MIGRATIONS_DDL);
    const rows = await tx.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await execInTransaction(tx, m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(`${m.version}_${m.name}`);
    }
    return applied;
  });
}

// Statements run one by one so both drivers can run them inside the open transaction.
// Hence migrations keep ';' and '--' out of string literals.
function splitStatements(script: string): string[] {
  const withoutComments = script.replace(/--[^\n]*/g, "");
  return withoutComments.split(";").map((s) => s.trim()).filter(Boolean);
}

async function execInTransaction(tx: Queryable, script: string): Promise<void> {
  for (const stmt of splitStatements(script)) await tx.query(stmt);
}
