// Proxy keys: the schedule's clock and the checks --check-config makes, through the real CLI.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../../src/app/args.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { checkProxy, localMinute, upstreamAt } from "../../src/proxy/schedule.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-proxy-cfg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const up = (name: string, schedule: Array<{ from: string; to: string }> = [], url = "stratum+tcp://pool.example:5555") =>
  ({ name, url, user: "kaspadev:qq.farm", schedule });

function cli(args: string[], proxy: unknown, stratum?: unknown) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ proxy: { ...defaults.proxy, ...(proxy as object) }, ...(stratum !== undefined && { stratum }) }));
  const p = Bun.spawnSync(["bun", "run", "index.ts", ...args, "--config", file], { env: { ...process.env, DEBUG: "" } });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

describe("bad proxy config exits 2 with one line naming the key", () => {
  const cases: Array<[string, unknown, string]> = [
    ["overlapping windows", { upstreams: [up("a", [{ from: "00:00", to: "13:00" }]), up("b", [{ from: "12:00", to: "24:00" }])] },
      "proxy.upstreams[1].schedule[0]: 12:00-24:00 overlaps proxy.upstreams[0].schedule[0]"],
    ["a window past midnight overlapping the morning", { upstreams: [up("a", [{ from: "22:00", to: "02:00" }]), up("b", [{ from: "01:00", to: "22:00" }])] },
      "proxy.upstreams[1].schedule[0]: 01:00-22:00 overlaps proxy.upstreams[0].schedule[0]"],
    ["gaps and no default", { upstreams: [up("a", [{ from: "00:00", to: "12:00" }]), up("b", [{ from: "13:00", to: "24:00" }])] },
      "proxy.default: the schedule leaves 12:00-13:00 uncovered; name a default upstream"],
    ["an unknown default upstream", { upstreams: [up("a")], default: "b" }, 'proxy.default: no upstream is named "b"'],
    ["a bad URL", { upstreams: [up("a", [], "http://pool.example:5555")] }, "proxy.upstreams[0].url: must be stratum+tcp://HOST:PORT"],
    ["a URL without a port", { upstreams: [up("a", [], "stratum+tcp://pool.example")] }, "proxy.upstreams[0].url: must be stratum+tcp://HOST:PORT"],
    ["a bad clock time", { upstreams: [up("a", [{ from: "25:00", to: "12:00" }])] }, "proxy.upstreams[0].schedule[0].from: must be HH:MM"],
    ["an unknown time zone", { upstreams: [up("a")], timeZone: "Mars/Olympus" }, 'proxy.timeZone: unknown time zone "Mars/Olympus"'],
    ["a name twice", { upstreams: [up("a"), up("a")] }, 'proxy.upstreams[1].name: "a" is listed twice'],
  ];
  for (const [name, proxy, message] of cases) {
    test(name, () => {
      for (const args of [["--check-config"], ["proxy", "--check-config"], ["proxy"]]) {
        const r = cli(args, proxy);
        expect(r.code).toBe(2);
        expect(r.err.trim().split("\n")).toHaveLength(1);
        expect(r.err).toContain(message);
        expect(r.err).not.toContain("    at ");
      }
    });
  }

  test("proxy mode needs an upstream; the pool does not", () => {
    expect(cli(["proxy", "--check-config"], {}).err).toContain("proxy.upstreams: needs at least one upstream");
    expect(cli(["--check-config"], {}).code).toBe(0);
  });

  test("stratum ports are checked as the pool's: TLS files, and TLS with the PROXY header", () => {
    const port = (extra: object) => ({ ports: [{ port: 5555, ...extra }] });
    const missing = cli(["proxy", "--check-config"], { upstreams: [up("a")] }, port({ tls: { cert: "/nonexistent.pem", key: "/nonexistent.pem" } }));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("stratum.ports[0].tls.cert: cannot read /nonexistent.pem (ENOENT)");
    const both = cli(["proxy", "--check-config"], { upstreams: [up("a")] }, port({ tls: { cert: "a.pem", key: "b.pem" }, proxyProtocol: true }));
    expect(both.code).toBe(2);
    expect(both.err).toContain("stratum.ports[0]: tls and proxyProtocol cannot be combined on one port");
  });

  test("a full schedule, and gaps covered by a default, are fine", () => {
    const full = cli(["proxy", "--check-config"], { upstreams: [up("a", [{ from: "08:00", to: "20:00" }]), up("b", [{ from: "20:00", to: "08:00" }])] });
    expect(full.err).toBe("");
    expect(full.code).toBe(0);
    expect(full.out).toContain("config OK: proxy");
    const gaps = cli(["proxy", "--check-config"], { upstreams: [up("a", [{ from: "08:00", to: "09:00" }]), up("b")], default: "b" });
    expect(gaps.code).toBe(0);
  });
});

describe("schedule clock", () => {
  const proxy = (tz: string) => configSchema.parse({
    ...defaults,
    proxy: { ...defaults.proxy, timeZone: tz, default: "night", upstreams: [up("day", [{ from: "08:00", to: "20:00" }]), up("night")] },
  }).proxy;

  test("windows are read in the configured time zone, [from, to)", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(upstreamAt(proxy("UTC"), at("2026-12-02T07:59:59Z"))).toBe("night");
    expect(upstreamAt(proxy("UTC"), at("2026-12-02T08:00:00Z"))).toBe("day");
    expect(upstreamAt(proxy("UTC"), at("2026-12-02T19:59:59Z"))).toBe("day");
    expect(upstreamAt(proxy("UTC"), at("2026-12-02T20:00:00Z"))).toBe("night");
    // 08:00 in Tokyo (UTC+9) is 23:00 UTC the day before.
    expect(upstreamAt(proxy("Asia/Tokyo"), at("2026-12-01T23:00:00Z"))).toBe("day");
    expect(upstreamAt(proxy("Asia/Tokyo"), at("2026-12-02T10:59:59Z"))).toBe("day");
    expect(upstreamAt(proxy("Asia/Tokyo"), at("2026-12-02T11:00:00Z"))).toBe("night");
    expect(localMinute(at("2026-12-02T00:30:00Z"), "Asia/Kolkata")).toBe(6 * 60);
  });

  test("no schedule at all: the first upstream, the rest in order behind it", () => {
    const p = configSchema.parse({ ...defaults, proxy: { ...defaults.proxy, upstreams: [up("a"), up("b")] } }).proxy;
    expect(checkProxy(p)).toBeNull();
    expect(upstreamAt(p, Date.now())).toBe("a");
  });

  test("the proxy command line", () => {
    expect(parseArgs(["proxy"])).toEqual({ kind: "proxy", configFile: undefined, checkConfig: false });
    expect(parseArgs(["proxy", "--config", "p.json", "--check-config"])).toEqual({ kind: "proxy", configFile: "p.json", checkConfig: true });
    expect(() => parseArgs(["proxy", "--devnet"])).toThrow("proxy takes only");
  });
});

test("the README's proxy example is a valid proxy config", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Proxy mode"));
  const example = section.slice(section.indexOf("```json") + 7, section.indexOf("```", section.indexOf("```json") + 7));
  const file = join(dir, "readme-example.json");
  writeFileSync(file, example);
  const p = Bun.spawnSync(["bun", "run", "index.ts", "proxy", "--check-config", "--config", file], { env: { ...process.env, DEBUG: "" } });
  expect(p.stderr.toString()).toBe("");
  expect(p.stdout.toString()).toContain("upstreams day, night, fallback");
  expect(p.exitCode).toBe(0);
});
