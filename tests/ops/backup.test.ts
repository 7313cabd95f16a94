// backup/: pg_dump dumps with retention, restored into a dropped database, table for table equal, against the real
// Postgres; and the embedded database dumped and restored through its own engine.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/db/index.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { makeLedger, snapshot } from "./ledgerFixture.ts";
import { hasTool, run } from "./tools.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-backup-"));
const postgres = hasTool("pg_dump") && hasTool("pg_restore") ? await createPostgresDatabase("backup") : null;
afterAll(async () => {
  await postgres?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const dumps = (d: string) => readdirSync(d).filter((f) => f.startsWith("kaspool-")).sort();
const dumpEnv = (url: string, backupDir: string, extra: Record<string, string> = {}) =>
  ({ PATH: process.env.PATH, DATABASE_URL: url, BACKUP_DIR: backupDir, ...extra });

/** Runs SQL in the maintenance database of the server at url. */
async function admin(url: string, sql: string): Promise<void> {
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  await query(adminUrl.toString(), sql);
}
async function query(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(!postgres)("Postgres: dump.sh and restore.sh", () => {
  const url = postgres?.url ?? "";
  const name = new URL(url || "postgres://x/x").pathname.slice(1);

  test("a dump restores into a dropped database with every table equal, and again over the restored one", async () => {
    const db = await openDatabase({ url, embeddedPath: "memory://" });
    await makeLedger(db);
    const before = await snapshot(db);
    await db.close();
    const empty = Object.entries(before).filter(([, rows]) => rows.length === 0).map(([t]) => t);
    expect(empty).toEqual([]);
    expect(before.payment_attempts!.length).toBe(3);

    const backups = join(dir, "pg");
    const dumped = run(["bash", "backup/dump.sh"], dumpEnv(url, backups));
    expect(dumped.stderr).toBe("");
    expect(dumped.status).toBe(0);
    const [file] = dumps(backups);
    expect(file).toMatch(/^kaspool-\d{8}T\d{6}Z\.dump$/);
    expect(run(["pg_restore", "--list", join(backups, file!)]).status).toBe(0);

    await admin(url, `DROP DATABASE ${name} WITH (FORCE)`);
    await admin(url, `CREATE DATABASE ${name}`);
    for (let i = 0; i < 2; i++) {
      // The second pass restores over the tables the first one made, as over a database init.sql created, plus a
      // table a newer version might have added: it must not survive.
      if (i === 1) await query(url, "CREATE TABLE added_later (x int); INSERT INTO ledger (wallet, miner_id, amount, reason) VALUES ('kaspadev:x', 'rig', 1, 'adjustment')");
      const restored = run(["bash", "backup/restore.sh", join(backups, file!)], dumpEnv(url, backups));
      expect(restored.stderr).toBe("");
      expect(restored.status).toBe(0);
      const again = await openDatabase({ url, embeddedPath: "memory://" });
      expect(await snapshot(again)).toEqual(before);
      await again.close();
    }

    // A damaged archive changes nothing: the restore reads it whole before touching the database.
    const damaged = join(backups, "damaged.dump");
    const bytes = readFileSync(join(backups, file!));
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    await query(url, "INSERT INTO ledger (wallet, miner_id, amount, reason) VALUES ('kaspadev:x', 'rig', 1, 'adjustment')");
    const db2 = await openDatabase({ url, embeddedPath: "memory://" });
    const current = await snapshot(db2);
    const failed = run(["bash", "backup/restore.sh", damaged], dumpEnv(url, backups));
    expect(failed.status).not.toBe(0);
    expect(await snapshot(db2)).toEqual(current);
    await db2.close();
  }, 60_000);

  test("retention keeps the newest dumps by count and by age, and always the newest one", () => {
    const backups = join(dir, "retention");
    mkdirSync(backups);
    const day = 86_400_000;
    const old = (days: number) => {
      const at = new Date(Date.now() - days * day);
      const file = join(backups, `kaspool-${at.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z.dump`);
      writeFileSync(file, "old");
      utimesSync(file, at, at);
      return file;
    };
    const files = [1, 2, 3, 10, 20].map(old);
    writeFileSync(join(backups, "notes.txt"), "not a dump");
    const dumpOnce = (keep: Record<string, string>) => {
      const r = run(["bash", "backup/dump.sh"], dumpEnv(url, backups, keep));
      expect(r.status).toBe(0);
      return r.stdout;
    };
    // By age: older than 7 days goes.
    dumpOnce({ BACKUP_KEEP_COUNT: "100", BACKUP_KEEP_DAYS: "7" });
    expect(files.map(existsSync)).toEqual([true, true, true, false, false]);
    expect(dumps(backups).length).toBe(4);
    // By count: the newest 3 stay (the fresh dump and the two youngest old ones).
    dumpOnce({ BACKUP_KEEP_COUNT: "3", BACKUP_KEEP_DAYS: "7" });
    expect(dumps(backups).length).toBe(3);
    expect(files.map(existsSync)).toEqual([true, false, false, false, false]);
    // Age 0 removes every older dump, never the newest. (Backdated: mtimes have whole-second resolution.)
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const f of dumps(backups)) utimesSync(join(backups, f), hourAgo, hourAgo);
    dumpOnce({ BACKUP_KEEP_COUNT: "3", BACKUP_KEEP_DAYS: "0" });
    expect(dumps(backups).length).toBe(1);
    expect(existsSync(join(backups, "notes.txt"))).toBe(true);
  }, 60_000);

  test("a failed dump leaves no file and deletes nothing; bad settings and bad archives are refused", () => {
    const backups = join(dir, "failing");
    mkdirSync(backups);
    writeFileSync(join(backups, "kaspool-20200101T000000Z.dump"), "old");
    const bad = new URL(url);
    bad.pathname = "/kaspool_no_such_database";
    const r = run(["bash", "backup/dump.sh"], dumpEnv(bad.toString(), backups, { BACKUP_KEEP_DAYS: "0" }));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("kaspool_no_such_database");
    expect(readdirSync(backups)).toEqual(["kaspool-20200101T000000Z.dump"]);

    const count = run(["bash", "backup/dump.sh"], dumpEnv(url, backups, { BACKUP_KEEP_COUNT: "0" }));
    expect([count.status, count.stderr.trim()]).toEqual([2, "dump: BACKUP_KEEP_COUNT must be a positive integer, got '0'"]);
    const notArchive = run(["bash", "backup/restore.sh", join(backups, "kaspool-20200101T000000Z.dump")], dumpEnv(url, backups));
    expect(notArchive.status).toBe(2);
    expect(notArchive.stderr).toContain("is not a pg_dump custom-format archive");
    expect(run(["bash", "backup/restore.sh"], dumpEnv(url, backups)).status).toBe(2);
  });

  test("the schedule dumps at start and then every interval, and stops cleanly on SIGTERM", async () => {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    symlinkSync(resolve("backup/dump.sh"), join(bin, "kaspool-dump")); // the name the backup image installs it under
    const backups = join(dir, "scheduled");
    const env = { PATH: `${bin}:${process.env.PATH}`, DATABASE_URL: url, BACKUP_DIR: backups, BACKUP_INTERVAL_SECONDS: "1" };
    const schedule = Bun.spawn(["bash", "backup/schedule.sh"], { env, stdout: "pipe", stderr: "pipe" });
    for (let i = 0; i < 300 && !(existsSync(backups) && dumps(backups).length >= 2); i++) await Bun.sleep(100);
    schedule.kill("SIGTERM");
    expect(await schedule.exited).toBe(0);
    expect(dumps(backups).length).toBeGreaterThanOrEqual(2);
    expect(await new Response(schedule.stderr).text()).toBe("");
    const bad = run(["bash", "backup/schedule.sh"], { ...env, BACKUP_INTERVAL_SECONDS: "6h" });
    expect([bad.status, bad.stderr.trim()]).toEqual([2, "schedule: BACKUP_INTERVAL_SECONDS must be a positive integer, got '6h'"]);
  }, 60_000);

  test("the backup service's healthcheck wants a dump younger than two intervals", () => {
    const backups = join(dir, "health");
    mkdirSync(backups);
    const healthy = () => run(["bash", "backup/healthy.sh"], { PATH: process.env.PATH, BACKUP_DIR: backups, BACKUP_INTERVAL_SECONDS: "3600" }).status;
    expect(healthy()).not.toBe(0);
    const file = join(backups, "kaspool-20200101T000000Z.dump");
    writeFileSync(file, "x");
    expect(healthy()).toBe(0);
    const stale = new Date(Date.now() - 3 * 3_600_000);
    utimesSync(file, stale, stale);
    expect(healthy()).not.toBe(0);
  });
});

describe("embedded database: backup/embedded.ts", () => {
  const embedded = (...args: string[]) => run(["bun", "run", "backup/embedded.ts", ...args]);

  test("a dump through the embedded engine restores into a new folder with every table equal", async () => {
    const path = join(dir, "pglite");
    const db = await openDatabase({ url: null, embeddedPath: path });
    await makeLedger(db);
    const before = await snapshot(db);
    // While the pool holds the folder, the dump is refused.
    const busy = embedded("dump", path, join(dir, "busy.tar.gz"));
    expect(busy.status).toBe(2);
    expect(busy.stderr).toContain("stop the pool first");
    expect(existsSync(join(dir, "busy.tar.gz"))).toBe(false);
    await db.close();

    const file = join(dir, "kaspool-pglite.tar.gz");
    const dumped = embedded("dump", path, file);
    expect(dumped.stderr).toBe("");
    expect(dumped.status).toBe(0);
    rmSync(path, { recursive: true });

    const restored = embedded("restore", file, path);
    expect(restored.stderr).toBe("");
    expect(restored.status).toBe(0);
    const again = await openDatabase({ url: null, embeddedPath: path });
    expect(await snapshot(again)).toEqual(before);
    await again.close();

    // Never over an existing database, never from a file it did not make.
    const over = embedded("restore", file, path);
    expect([over.status, over.stderr.trim()]).toEqual([2, `embedded: ${path} is not empty: restore into a new folder, never over a database`]);
    writeFileSync(join(dir, "junk.tar.gz"), "junk");
    const junk = embedded("restore", join(dir, "junk.tar.gz"), join(dir, "fresh"));
    expect(junk.status).toBe(2);
    expect(existsSync(join(dir, "fresh"))).toBe(false);
  }, 120_000);
});
