// `bun run index.ts --devnet` (or on the config's nodes) as a process of its own, for tests of the whole pool: its config file, its output,
// and the ports it reports having bound.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { collectOutput, type Output } from "./output.ts";
import type { Scratch } from "./scratch.ts";

/** Writes dir/config.json: `config` over a devnet on a port of its own, the API on port 0 and the database in dir/db. */
export function writeDevnetConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({
    // The devnet binds a free port itself and the pool is pointed at it (no probe-then-bind race).
    node: { urls: ["ws://127.0.0.1:0"] },
    api: { port: 0 },
    database: { embeddedPath: join(dir, "db") },
    ...config,
  }));
  return file;
}

export interface PoolProcess extends Output {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** The stratum port the pool reports once it runs; throws with the output if it does not within `ms`. */
  stratumPort(ms: number): Promise<number>;
  /** The API port the pool reports once it serves it; throws with the output if it does not within `ms`. */
  apiPort(ms: number): Promise<number>;
}

export interface PoolSpawn {
  configFile: string;
  /** DATABASE_URL: "" for the embedded database. */
  databaseUrl: string;
  env?: Record<string, string>;
  /** A module bun loads before index.ts. */
  preload?: string;
  /** False: the pool uses the node(s) its config names instead of starting a devnet of its own. */
  devnet?: boolean;
  /** The folder holding index.ts; the repository by default. */
  cwd?: string;
}

/** Starts the pool; the scratch SIGKILLs it after the file's tests, in case a test did not stop it. */
export function spawnPool(scratch: Scratch, opts: PoolSpawn): PoolProcess {
  const runner = opts.preload ? ["--preload", opts.preload] : ["run"];
  const devnet = opts.devnet === false ? [] : ["--devnet"];
  const proc = Bun.spawn(["bun", ...runner, "index.ts", ...devnet, "--config", opts.configFile], {
    env: { ...process.env, DATABASE_URL: opts.databaseUrl, DEBUG: "", ...opts.env },
    cwd: opts.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  scratch.defer(() => proc.kill("SIGKILL"));
  const output = collectOutput(proc);
  return {
    ...output,
    proc,
    stratumPort: (ms) => output.reportedPort(/pool running .*stratum=(\d+)/, ms, "pool did not start"),
    apiPort: (ms) => output.reportedPort(/api listening .*port=(\d+)/, ms, "pool did not serve its API"),
  };
}
