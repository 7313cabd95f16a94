import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaults } from "../../src/config/defaults.ts";
import { ConfigError, loadConfig } from "../../src/config/load.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}
const load = (content: unknown, env: Record<string, string> = {}) => loadConfig({ file: file(content), env });
const failure = (content: unknown, env: Record<string, string> = {}) => {
  try {
    load(content, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("config loading", () => {
  test("a bad NODE_URL is blamed on the environment variable, not on the file", () => {
    const message = failure({}, { NODE_URL: "notaurl" });
    expect(message).toContain("NODE_URL");
    expect(message).not.toContain(".json");
  });

  test("DEBUG takes 1, 0, true or false; anything else is an error naming DEBUG", () => {
    expect(load({}, { DEBUG: "true" }).debug).toBe(true);
    expect(load({}, { DEBUG: "0" }).debug).toBe(false);
    expect(failure({}, { DEBUG: "yes" })).toContain("DEBUG");
  });

  test("log.format is text, json or auto; LOG_FORMAT overrides it", () => {
    expect(load({}).log.format).toBe("text");
    expect(load({ log: { format: "auto" } }, { LOG_FORMAT: "json" }).log.format).toBe("json");
    expect(failure({}, { LOG_FORMAT: "xml" })).toContain("LOG_FORMAT");
  });

  test("embedded defaults validate and the shipped config/config.json spells them out", async () => {
    const shipped = await Bun.file("config/config.json").json();
    expect(shipped).toEqual(JSON.parse(JSON.stringify(defaults)));
    const config = loadConfig({ file: "config/config.json", env: {} });
    expect(config.network).toBe("devnet");
    expect(config.stratum.ports[0]!.vardiff).not.toBe(false);
  });

  test("file overrides defaults, environment overrides file", () => {
    const config = load(
      { node: { urls: ["ws://10.0.0.1:18610"] }, pplns: { factor: 3 } },
      { NODE_URL: "ws://a:1, ws://b:2", DATABASE_URL: "postgres://u@h/db", DEBUG: "1" },
    );
    expect(config.node.urls).toEqual(["ws://a:1", "ws://b:2"]);
    expect(config.node.requestTimeoutMs).toBe(10_000);
    expect(config.pplns.factor).toBe(3);
    expect(config.database.url).toBe("postgres://u@h/db");
    expect(config.debug).toBe(true);
  });

  test("API_HOST sets the API listen address (a container must listen beyond its loopback)", () => {
    const config = load({ api: { port: 9000 } }, { API_HOST: "0.0.0.0" });
    expect(config.api).toMatchObject({ host: "0.0.0.0", port: 9000 });
    expect(load({}, {}).api.host).toBe("127.0.0.1");
  });

  test("API_TRUST_PROXY sets api.trustProxy (the API behind compose's nginx), 1/0/true/false only", () => {
    expect(load({ api: { port: 9000 } }, { API_TRUST_PROXY: "true", API_HOST: "0.0.0.0" }).api)
      .toMatchObject({ host: "0.0.0.0", port: 9000, trustProxy: true });
    expect(load({ api: { trustProxy: true } }, { API_TRUST_PROXY: "0" }).api.trustProxy).toBe(false);
    expect(load({}, {}).api.trustProxy).toBe(false);
    expect(failure({}, { API_TRUST_PROXY: "yes" })).toBe('environment API_TRUST_PROXY: must be 1, 0, true or false (got "yes")');
  });

  test("port entries get per-port defaults and accept tiny fractional difficulties", () => {
    const config = load({ stratum: { ports: [{ port: 7000, difficulty: 1e-9, vardiff: false }] } });
    expect(config.stratum.ports).toEqual([{ port: 7000, mode: "pplns", difficulty: 1e-9, vardiff: false, encoding: "auto", proxyProtocol: false }]);
  });

  test("errors name the key", () => {
    expect(failure({ stratum: { portz: [] } })).toContain('stratum: unknown key "portz"');
    expect(failure({ stratum: { ports: [{ port: 1, difficulty: "8" }] } })).toContain("stratum.ports[0].difficulty");
    expect(failure({ stratum: { ports: [{ port: 1, difficulty: 1e-10, vardiff: false }] } })).toContain("at least 1e-9");
    expect(failure({ network: "moonnet" })).toContain("network");
    expect(failure({ treasury: { fee: 1.234 } })).toContain("treasury.fee");
    expect(failure({ stratum: { ports: [{ port: 5 }, { port: 5 }] } })).toContain("listed twice");
  });

  test("a bad or foreign address is refused", () => {
    expect(failure({ treasury: { address: "kaspadev:qqqq" } })).toContain("treasury.address");
    expect(failure({ treasury: { address: "kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva" } })).toContain("treasury.address");
  });

  test("broken files get one clear line", () => {
    expect(failure("{ not json")).toContain("not valid JSON");
    expect(failure("[1,2]")).toContain("top level");
    expect(() => loadConfig({ file: join(dir, "missing.json"), env: {} })).toThrow("cannot read");
  });
});

describe("TREASURY_PRIVATE_KEY", () => {
  // BIP-340 test vector key; its mainnet address is the rusty-kaspa vector in node-rpc.md §10.
  const key = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef";

  test("sets the pool address for the configured network", () => {
    const config = load({ network: "mainnet", treasury: { address: "" } }, { TREASURY_PRIVATE_KEY: key });
    expect(config.treasury.address).toBe("kaspa:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9jkdskewva");
  });

  test("a malformed key is refused without echoing it", () => {
    const message = failure({}, { TREASURY_PRIVATE_KEY: "deadbeef" + "zz" });
    expect(message).toContain("TREASURY_PRIVATE_KEY");
    expect(message).not.toContain("deadbeef");
  });

  test("an explicit address that is not the key's is refused", () => {
    const other = "kaspadev:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhqrxplya";
    expect(failure({ treasury: { address: other } }, { TREASURY_PRIVATE_KEY: key })).toContain("not the address of TREASURY_PRIVATE_KEY");
  });
});
