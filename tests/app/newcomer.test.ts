// What a newcomer reads against what the code does: the README's example miner and the demo's two miners pay
// wallets that are not the pool's, the README's defaults are the shipped ones, its word on the test database
// matches the test harness, and the compose volume stays out of git.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { DEMO_MINERS } from "../../src/app/demoSetup.ts";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { stratumPortSchema } from "../../src/config/schema.ts";
import { checkAddress } from "../../src/kaspa/address.ts";
import { DEFAULT_URL } from "../db/backends.ts";

const readme = readFileSync("README.md", "utf8");
const shipped = JSON.parse(readFileSync("config/config.json", "utf8"));

test("the README's first commands on a fresh machine: one runs the demo, one runs the tests", () => {
  const first = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split("\n");
  expect(first).toEqual(["npm install -g bun && bun install && bun run demo", "bun test"]);
});

test("the README's miner and the demo's two miners mine to devnet wallets that are not the pool's", () => {
  const readmeMiner = /bun run miner -- --url stratum\+tcp:\/\/127\.0\.0\.1:5555 --user (\S+)\.(\w+)\n/.exec(readme)?.[1];
  expect(readmeMiner).toBeDefined();
  const wallets = [readmeMiner!, ...DEMO_MINERS.map((m) => m.address)];
  for (const wallet of wallets) expect({ wallet, problem: checkAddress(wallet, "devnet") }).toEqual({ wallet, problem: null });
  // The demo's two wallets differ, so the PPLNS split shows; the README reuses the first, a demo wallet too.
  expect(new Set(DEMO_MINERS.map((m) => m.address)).size).toBe(2);
  for (const pool of [DEVNET_POOL_ADDRESS, shipped.treasury.address]) expect(wallets).not.toContain(pool);
  // One IceRiver-style and one lolMiner-style agent, as the demo promises.
  expect(DEMO_MINERS.map((m) => m.agent)).toEqual([expect.stringMatching(/^IceRiverMiner/), expect.stringMatching(/^lolMiner/)]);
});

test("the README's start difficulty: the default of a port entry, and the shipped ports' own", () => {
  const row = readme.split("\n").find((l) => l.startsWith("| `stratum.ports[].difficulty` |"))!;
  const [, fallback, fraction, written] = /\| `([^`]+)` \(the shipped ports: `1\/(\d+)`, written `([^`]+)`\) \|/.exec(row) ?? [];
  expect(Number(fallback)).toBe(stratumPortSchema.parse({ port: 1 }).difficulty);
  for (const port of shipped.stratum.ports) {
    expect(port.difficulty).toBe(1 / Number(fraction));
    expect(String(port.difficulty)).toBe(written!);
  }
});

test("the README names the Postgres the database tests fall back to when DATABASE_URL is unset", () => {
  const flat = readme.replace(/\s+/g, " ");
  expect(flat).toContain(`on Postgres at \`DATABASE_URL\`, or, when it is unset, at \`${DEFAULT_URL}\``);
  expect(flat).toContain(`Postgres at \`DATABASE_URL\`, or at \`${DEFAULT_URL}\` when it is unset`);
});

test(".gitignore keeps the compose volume, local data, dumps and .env out of git", () => {
  const ignored = readFileSync(".gitignore", "utf8").split("\n");
  for (const entry of ["postgres_data/", "data/", "backups/", ".env"]) expect(ignored).toContain(entry);
});
