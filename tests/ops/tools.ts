// The operator tools the ops tests run for real (Debian's docker-compose, nginx, promtool, pg_dump). A fresh
// machine may lack them: the tests then skip with a message, unless KASPOOL_REQUIRE_OPS_TOOLS=1 (.ci/run sets it
// after installing them), where a missing tool fails.

import { spawnSync } from "node:child_process";

const found = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  if (!found.has(name)) {
    const ok = spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
    if (!ok && process.env.KASPOOL_REQUIRE_OPS_TOOLS === "1") throw new Error(`${name} is required (KASPOOL_REQUIRE_OPS_TOOLS=1) but not installed`);
    if (!ok) console.warn(`SKIP tests needing ${name}: not installed (Debian: apt-get install docker-compose nginx prometheus postgresql-client)`);
    found.set(name, ok);
  }
  return found.get(name)!;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion in the repository root, with exactly the given environment. */
export function run(argv: string[], env: Record<string, string | undefined> = process.env, input?: string): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), { env: env as NodeJS.ProcessEnv, encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
