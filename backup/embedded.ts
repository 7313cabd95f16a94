// Backup and restore of the embedded database (PGlite, database.embeddedPath), through the embedded engine itself:
// it opens the folder and writes its data directory as a tarball, a consistent snapshot of a cleanly closed
// database. The pool holds the folder while it runs, so stop it first.
//
//   bun run backup/embedded.ts dump DIR FILE.tar.gz       e.g. dump ./data/pglite backups/kaspool-pglite.tar.gz
//   bun run backup/embedded.ts restore FILE.tar.gz DIR    into a folder that does not exist yet (or is empty)

import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

class UsageError extends Error {}

async function dump(dir: string, file: string): Promise<void> {
  if (!existsSync(join(dir, "PG_VERSION"))) throw new UsageError(`${dir} is not an embedded database folder (no PG_VERSION)`);
  // PGlite keeps postmaster.pid while the folder is open and removes it on a clean close.
  if (existsSync(join(dir, "postmaster.pid"))) {
    throw new UsageError(`${dir} is in use (postmaster.pid): stop the pool first; if it is not running, it did not stop cleanly: start it and stop it once`);
  }
  const db = await PGlite.create(dir);
  let tar: Blob;
  try {
    tar = await db.dumpDataDir("none");
  } finally {
    await db.close();
  }
  const partial = `${file}.partial`;
  try {
    await Bun.write(partial, Bun.gzipSync(new Uint8Array(await tar.arrayBuffer())));
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  console.log(`embedded: wrote ${file} (${Bun.file(file).size} bytes) from ${dir}`);
}

async function restore(file: string, dir: string): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty: restore into a new folder, never over a database`);
  let tar: Uint8Array;
  try {
    tar = Bun.gunzipSync(new Uint8Array(await Bun.file(file).arrayBuffer()));
  } catch {
    throw new UsageError(`${file} is not a gzip file made by "embedded.ts dump"`);
  }
  const created = !existsSync(dir);
  try {
    const db = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([tar]) });
    try {
      await db.query("SELECT 1");
    } finally {
      await db.close();
    }
  } catch (e) {
    // Leave no half-restored folder for the pool to open.
    if (created) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  console.log(`embedded: restored ${file} into ${dir}`);
}

const [command, a, b] = process.argv.slice(2);
try {
  if (command === "dump" && a && b) await dump(a, b);
  else if (command === "restore" && a && b) await restore(a, b);
  else throw new UsageError("usage: bun run backup/embedded.ts dump DIR FILE | restore FILE DIR");
} catch (e) {
  console.error(`embedded: ${e instanceof UsageError ? e.message : `failed: ${(e as Error).message}`}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
