import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringifyJson } from "../../src/common/json.ts";
import { blockHash, parseHeader, prePowHash } from "../../src/kaspa/header.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { bitsToTarget } from "../../src/kaspa/target.ts";
import { fixtureJson } from "../kaspa/helpers.ts";

const INDEX = join(import.meta.dir, "../../index.ts");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "check-block-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function run(file: string) {
  // Through the documented command, `bun run index.ts check-block FILE`.
  const p = Bun.spawnSync(["bun", "run", INDEX, "check-block", file], { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** The devnet multi-parent header with a huge target (bits 0x207fffff) and a nonce mined for it. */
function minedHeader(): Record<string, unknown> {
  const json = { ...(fixtureJson("goref_devnet_multi_parent_header.json") as Record<string, unknown>), bits: 0x207fffff };
  const h = parseHeader(json);
  const state = new PowState(prePowHash(h), h.timestamp);
  const target = bitsToTarget(h.bits);
  let nonce = 18446744073709551000n; // above 2^53: the file must carry it exactly
  while (state.pow(nonce) > target) nonce++;
  return { ...json, nonce };
}

test("a mined block is valid (exit 0) and its hashes are printed", () => {
  const json = minedHeader();
  const out = run(write("valid.json", stringifyJson(json)));
  expect(out.code).toBe(0);
  expect(out.stdout).toContain(`block hash:   ${blockHash(parseHeader(json))}`);
  expect(out.stdout).toContain("pre-PoW hash: ");
  expect(out.stdout).toContain("target:       7fffff0000000000000000000000000000000000000000000000000000000000");
  expect(out.stdout).toContain("valid: pow <= target");
});

test("a block whose pow exceeds its target is invalid (exit 1)", () => {
  const json = { ...minedHeader(), bits: 0x03000001 };
  const out = run(write("invalid.json", stringifyJson(json)));
  expect(out.code).toBe(1);
  expect(out.stdout).toContain("INVALID: pow > target");
  expect(out.stdout).toContain(`target:       ${"0".repeat(63)}1`);
});

test("malformed input: one clear line on stderr, no stack, exit 2", () => {
  const cases: Array<[string, RegExp]> = [
    [write("notjson.json", "{ not json"), /check-block: .*notjson\.json: /],
    [write("badfield.json", stringifyJson({ ...minedHeader(), hashMerkleRoot: "xyz" })), /header\.hashMerkleRoot: expected a 64-char hex hash/],
    [join(dir, "missing.json"), /missing\.json: .*no such file/i],
  ];
  for (const [file, message] of cases) {
    const out = run(file);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split("\n")).toHaveLength(1);
    expect(out.stderr).not.toContain("    at ");
    expect(out.stdout).toBe("");
  }
});

test("the header the README offers to try passes check-block", async () => {
  const readme = await Bun.file(join(import.meta.dir, "../../README.md")).text();
  const example = "tests/kaspa/fixtures/valid_pow_header.json";
  expect(readme).toContain(`bun run index.ts check-block ${example}`);
  const r = run(join(import.meta.dir, "../..", example));
  expect(r.stdout).toContain("valid: pow <= target");
  expect(r.code).toBe(0);
});
