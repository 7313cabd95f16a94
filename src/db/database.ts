// One database interface over Postgres (pg) and the embedded PGlite, so the same SQL serves both.

import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { silentLogger, type Logger } from "../common/log.ts";
import { applyMigrations } from "./migrate.ts";

/** Anything that runs a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL, or null for the embedded database. */
  url: string | null;
  /** Directory of the embedded database, or "memory://" for a throwaway one. */
  embeddedPath: string;
  log?: Logger;
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const log = opts.log ?? silentLogger;
  const db = opts.url ? await openPostgres(opts.url, log) : await openPglite(opts.embeddedPath);
  try {
    const applied = await applyMigrations(db);
    if (applied.length) log.info("database migrated", { kind: db.kind, applied: applied.join(",") });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

// Both drivers accept strings for numeric/bigint parameters; bigint itself is not portable between them.
function toParam(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toParam);
  return value;
}
const toParams = (params?: readonly unknown[]) => (params ?? []).map(toParam);

/** Error codes and messages that mean "cannot reach the server", as opposed to a bad statement. */
function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH"].includes(code)) return true;
  if (code.startsWith("08") || code === "57P01" || code === "57P03") return true; // connection exception, shutdown
  const msg = typeof e?.message === "string" ? e.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
}

function wrap(err: unknown): unknown {
  if (isConnectionError(err)) {
    return new DatabaseUnavailableError(`database unavailable: ${(err as Error).message || String(err)}`, { cause: err });
  }
  return err;
}

async function openPostgres(url: string, log: Logger): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that hangs (network partition) must fail so shares can fall back to the spool.
    query_timeout: 15_000,
  });
  // An idle client losing its connection emits here; without a listener it would crash the process.
  pool.on("error", (err) => log.warn("postgres idle client error", { error: err.message }));

  const run = async <T>(q: { query: pg.Pool["query"] }, sql: string, params?: readonly unknown[]) => {
    try {
      const res = await q.query(sql, toParams(params));
      return res.rows as T[];
    } catch (err) {
      throw wrap(err);
    }
  };

  return {
    kind: "postgres",
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrap(err);
      }
      let broken = false;
      try {
        await run(client, "BEGIN");
        const result = await fn({ query: (sql, params) => run(client, sql, params) });
        await run(client, "COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw wrap(err);
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(path: string): Promise<Database> {
  if (!path.includes("://")) mkdirSync(path, { recursive: true });
  const pglite = await PGlite.create(path);
  const run = async <T>(q: Pick<PGlite, "query">, sql: string, params?: readonly unknown[]) =>
    (await q.query<T>(sql, toParams(params))).rows;
  return {
    kind: "pglite",
    query: (sql, params) => run(pglite, sql, params),
    transaction: (fn) => pglite.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    close: () => pglite.close(),
  };
}
