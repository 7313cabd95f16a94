// `bun run index.ts --devnet` as a process of its own, for tests of the whole pool: its config file, and its
// output collected as it runs (read to the end, so the pool never blocks on a full pipe).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
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

export interface PoolProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  stdout(): string;
  stderr(): string;
  /** stdout, then stderr. */
  output(): string;
  /** The first match of `re` in the output, or null once `ms` passed or the pool exited without it. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray | null>;
  /** The stratum port the pool reports once it runs; throws with the output if it does not within `ms`. */
  stratumPort(ms: number): Promise<number>;
  /** Both streams read to their end. */
  drained: Promise<void>;
}

export interface PoolSpawn {
  configFile: string;
  /** DATABASE_URL: "" for the embedded database. */
  databaseUrl: string;
  env?: Record<string, string>;
  /** A module bun loads before index.ts. */
  preload?: string;
}

/** Starts the pool; the scratch SIGKILLs it after the file's tests, in case a test did not stop it. */
export function spawnPool(scratch: Scratch, opts: PoolSpawn): PoolProcess {
  const runner = opts.preload ? ["--preload", opts.preload] : ["run"];
  const proc = Bun.spawn(["bun", ...runner, "index.ts", "--devnet", "--config", opts.configFile], {
    env: { ...process.env, DATABASE_URL: opts.databaseUrl, DEBUG: "", ...opts.env },
    stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  scratch.defer(() => proc.kill("SIGKILL"));
  const out: string[] = [];
  const err: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>, into: string[]) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
  };
  const output = () => out.join("") + err.join("");
  const waitFor = async (re: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    while (!re.test(output()) && Date.now() < deadline && proc.exitCode === null) await Bun.sleep(50);
    return output().match(re);
  };
  return {
    proc,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    output,
    waitFor,
    async stratumPort(ms) {
      const running = await waitFor(/pool running .*stratum=(\d+)/, ms);
      if (!running) throw new Error(`pool did not start:\n${output()}`);
      return Number(running[1]);
    },
    drained: Promise.all([drain(proc.stdout, out), drain(proc.stderr, err)]).then(() => {}),
  };
}
