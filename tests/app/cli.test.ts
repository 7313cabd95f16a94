import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, UsageError } from "../../src/app/args.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const proc = Bun.spawnSync(["bun", "run", "index.ts", ...args], { env: { ...process.env, DEBUG: "" } });
  return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
}

describe("index.ts --check-config", () => {
  test("valid config exits 0", () => {
    const r = run(["--check-config"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("config OK: network devnet");
  });

  test("a bad key exits 2 with one line naming it and no stack", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ pplns: { factr: 2 } }));
    const r = run(["--check-config", "--config", file]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain('pplns: unknown key "factr"');
    expect(r.err).not.toContain("    at ");
  });

  test("unknown arguments exit 2", () => {
    const r = run(["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown argument "--frobnicate"');
  });
});

describe("argument parsing", () => {
  test("commands", () => {
    expect(parseArgs([])).toEqual({ kind: "run", configFile: undefined, devnet: false });
    expect(parseArgs(["--devnet", "--config=x.json"])).toEqual({ kind: "run", configFile: "x.json", devnet: true });
    expect(parseArgs(["check-block", "h.json"])).toEqual({ kind: "check-block", file: "h.json" });
    expect(() => parseArgs(["check-block"])).toThrow(UsageError);
    expect(() => parseArgs(["--config"])).toThrow(UsageError);
  });
});

describe("index.ts payer", () => {
  test("refuses to start without TREASURY_PRIVATE_KEY, in one line, exit 2", () => {
    const proc = Bun.spawnSync(["bun", "run", "index.ts", "payer"], { env: { ...process.env, TREASURY_PRIVATE_KEY: "", DEBUG: "" } });
    expect(proc.exitCode).toBe(2);
    const err = proc.stderr.toString().trim();
    expect(err.split("\n")).toHaveLength(1);
    expect(err).toContain("TREASURY_PRIVATE_KEY is not set");
  });

  test("refuses the embedded database: it belongs to the pool process", () => {
    const key = "01".repeat(32);
    const proc = Bun.spawnSync(["bun", "run", "index.ts", "payer"], { env: { ...process.env, TREASURY_PRIVATE_KEY: key, DATABASE_URL: "", DEBUG: "" } });
    expect(proc.exitCode).toBe(2);
    const err = proc.stderr.toString();
    expect(err).toContain("needs Postgres (DATABASE_URL)");
    expect(err).not.toContain(key);
  });

  test("payer and treasury take only --config", () => {
    expect(parseArgs(["payer", "--config", "x.json"])).toEqual({ kind: "payer", configFile: "x.json" });
    expect(parseArgs(["treasury"])).toEqual({ kind: "treasury", configFile: undefined });
    expect(() => parseArgs(["payer", "--devnet"])).toThrow(UsageError);
  });
});
