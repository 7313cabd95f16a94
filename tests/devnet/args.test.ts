import { describe, expect, test } from "bun:test";
import { parseArgs } from "../../src/devnet/args.ts";

describe("parseArgs", () => {
  test("defaults to the devnet port", () => {
    const r = parseArgs([]);
    expect(r.ok && r.options.port).toBe(18610);
  });

  test("reads every flag in both spellings", () => {
    const r = parseArgs(["--port", "0", "--bps=2.5", "--difficulty", "0.001", "--red-ratio=0.25", "--maturity", "5", "--seed", "7"]);
    expect(r).toEqual({ ok: true, options: { port: 0, bps: 2.5, difficulty: 0.001, redRatio: 0.25, maturity: 5, seed: 7 } });
  });

  test.each([
    [["--bogus"], "unknown argument --bogus"],
    [["--port"], "--port needs a value"],
    [["--port", "70000"], '--port must be an integer 0-65535, got "70000"'],
    [["--bps", "0"], '--bps must be a number in (0, 1000], got "0"'],
    [["--difficulty", "abc"], '--difficulty must be a positive number, got "abc"'],
    [["--red-ratio", "1.5"], '--red-ratio must be a number in [0, 1], got "1.5"'],
    [["--maturity", "-1"], '--maturity must be a non-negative integer, got "-1"'],
  ])("%p is refused with a clear message", (argv, error) => {
    expect(parseArgs(argv as string[])).toEqual({ ok: false, error });
  });
});
