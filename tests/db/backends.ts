// Test databases on both backends: a throwaway Postgres database per test file, and PGlite.

import { afterAll } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where the database tests look for Postgres when DATABASE_URL is unset (the README says so). */
export const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestBackend {
  name: "postgres" | "pglite";
  /** What openDatabase takes. */
  url: string | null;
  embeddedPath: string;
  /** Removes the database (and directory) created for this backend. */
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh Postgres database, or null (with a message) when no Postgres answers. */
export async function createPostgresDatabase(prefix: string): Promise<TestBackend | null> {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  // Identifiers cannot be parameters; this one is built only from our prefix and random hex.
  const name = `kaspool_${prefix.replace(/[^a-z0-9_]/g, "")}_${randomBytes(4).toString("hex")}`;
  try {
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  } catch (err) {
    console.warn(`SKIP postgres tests: no Postgres at ${adminUrl} (${(err as Error).message})`);
    return null;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name: "postgres",
    url: url.toString(),
    embeddedPath: "memory://",
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** PGlite in a fresh temp directory (durable, so it can be reopened), or in memory. */
export function createPgliteDatabase(onDisk = false): TestBackend {
  const dir = onDisk ? mkdtempSync(join(tmpdir(), "kaspool-pglite-")) : null;
  return {
    name: "pglite",
    url: null,
    embeddedPath: dir ?? "memory://",
    drop: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both backends for a test file; Postgres is left out (with a message) when it does not answer. */
export async function testBackends(prefix: string, pgliteOnDisk = false): Promise<TestBackend[]> {
  const postgres = await createPostgresDatabase(prefix);
  return postgres ? [createPgliteDatabase(pgliteOnDisk), postgres] : [createPgliteDatabase(pgliteOnDisk)];
}

/** testBackends for one test file, dropped after its last test. */
export async function backendsForFile(prefix: string, pgliteOnDisk = false): Promise<TestBackend[]> {
  const backends = await testBackends(prefix, pgliteOnDisk);
  afterAll(async () => {
    for (const b of backends) await b.drop();
  });
  return backends;
}
