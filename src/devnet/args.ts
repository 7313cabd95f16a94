// Command-line flags of `bun run devnet`. Pure, so bad flags can be tested without spawning a process.

import type { DevnetOptions } from "./index.ts";
import { DEFAULT_DIFFICULTY, DEFAULT_PORT } from "./network.ts";

export const USAGE =
  "usage: bun run devnet [--port N] [--bps N] [--difficulty D] [--red-ratio R] [--maturity M] [--seed S] [--host H]";

export type ParsedArgs = { ok: true; options: DevnetOptions } | { ok: false; error: string };

interface Flag {
  key: keyof DevnetOptions;
  parse: (v: string) => number | string | undefined;
  rule: string;
}

const num = (ok: (n: number) => boolean) => (v: string) => {
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) && ok(n) ? n : undefined;
};

const FLAGS: Record<string, Flag> = {
  "--port": { key: "port", parse: num((n) => Number.isInteger(n) && n >= 0 && n <= 65535), rule: "an integer 0-65535" },
  "--bps": { key: "bps", parse: num((n) => n > 0 && n <= 1000), rule: "a number in (0, 1000]" },
  "--difficulty": { key: "difficulty", parse: num((n) => n > 0), rule: "a positive number" },
  "--red-ratio": { key: "redRatio", parse: num((n) => n >= 0 && n <= 1), rule: "a number in [0, 1]" },
  "--maturity": { key: "maturity", parse: num((n) => Number.isInteger(n) && n >= 0), rule: "a non-negative integer" },
  "--seed": { key: "seed", parse: num((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff), rule: "an integer 0-4294967295" },
  "--host": { key: "host", parse: (v) => (v ? v : undefined), rule: "a host name or IP" },
};

/** Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const options: Record<string, unknown> = { port: DEFAULT_PORT, difficulty: DEFAULT_DIFFICULTY };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const flag = FLAGS[name];
    if (!flag) return { ok: false, error: `unknown argument ${arg}` };
    const raw = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) return { ok: false, error: `${name} needs a value` };
    const value = flag.parse(raw);
    if (value === undefined) return { ok: false, error: `${name} must be ${flag.rule}, got "${raw}"` };
    options[flag.key] = value;
  }
  return { ok: true, options: options as DevnetOptions };
}
