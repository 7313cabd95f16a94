// A test file's scratch space: a temp directory and the clean-ups its tests leave behind, all undone after the
// file's last test.

import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface Scratch {
  dir: string;
  /** Runs after the file's tests, newest first (a child is killed before the database it uses is dropped). */
  defer(cleanup: () => Promise<unknown> | unknown): void;
  /** `proc`, terminated (and waited for) after the file's tests. */
  child<P extends Subprocess>(proc: P): P;
}

export function scratch(name: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `kaspool-${name}-`));
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  const defer = (c: () => Promise<unknown> | unknown) => void cleanups.push(c);
  return {
    dir,
    defer,
    child(proc) {
      defer(() => {
        proc.kill();
        return proc.exited;
      });
      return proc;
    },
  };
}
