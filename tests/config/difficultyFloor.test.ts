import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { difficultyFloor, floorPort } from "../../src/config/difficultyFloor.ts";
import { ConfigError, loadConfig } from "../../src/config/load.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-floor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}
const MAINNET = { network: "mainnet", treasury: { address: "kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva" } };
const load = (content: Record<string, unknown>) => loadConfig({ file: file(content), env: {} });

describe("difficulty floor", () => {
  test("each network has its default floor", () => {
    expect(difficultyFloor(load(MAINNET))).toBe(256);
    expect(difficultyFloor(load({}))).toBe(1e-9);
  });

  test("a configured floor replaces the network's", () => {
    expect(difficultyFloor(load({ ...MAINNET, stratum: { difficultyFloor: 16 } }))).toBe(16);
  });

  test("mainnet and testnet refuse a floor under the hard minimum, naming the key", () => {
    expect(() => load({ ...MAINNET, stratum: { difficultyFloor: 0.5 } })).toThrow(ConfigError);
    expect(() => load({ ...MAINNET, stratum: { difficultyFloor: 0.5 } })).toThrow(
      "stratum.difficultyFloor: 0.5 is below the hard minimum 1 for mainnet",
    );
    expect(() => load({ ...MAINNET, stratum: { difficultyFloor: 1 } })).not.toThrow();
    expect(() => load({ stratum: { difficultyFloor: 1e-9 } })).not.toThrow();
  });

  test("a port's difficulties below the floor are raised to it", () => {
    const port = load(MAINNET).stratum.ports[0]!;
    const floored = floorPort(port, 256);
    expect(floored.difficulty).toBe(256);
    expect(floored.vardiff && floored.vardiff.minDifficulty).toBe(256);
    expect(floored.vardiff && floored.vardiff.maxDifficulty).toBe(1e15);
    expect(floorPort({ ...port, difficulty: 4096, vardiff: false }, 256)).toEqual({ ...port, difficulty: 4096, vardiff: false });
  });

  test("--check-config exits 2 on a mainnet floor under the hard minimum", () => {
    const proc = Bun.spawnSync(["bun", "run", "index.ts", "--check-config", "--config", file({ ...MAINNET, stratum: { difficultyFloor: 1e-3 } })], {
      env: { ...process.env, DEBUG: "" },
    });
    expect(proc.exitCode).toBe(2);
    expect(proc.stderr.toString()).toContain("stratum.difficultyFloor");
  });
});
