import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { selfSignedCert } from "../stratum/selfSigned.ts";

const a = selfSignedCert();
const b = selfSignedCert();
afterAll(() => {
  a.remove();
  b.remove();
});

function configFile(port: Record<string, unknown>): string {
  const path = join(a.dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ stratum: { ports: [{ port: 5555 }, { port: 5557, ...port }] } }));
  return path;
}

function failure(port: Record<string, unknown>): string {
  try {
    loadConfig({ file: configFile(port), env: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("stratum.ports[].tls", () => {
  test("a readable certificate with its key loads; ports default to no TLS and no PROXY header", () => {
    const config = loadConfig({ file: configFile({ tls: { cert: a.cert, key: a.key } }), env: {} });
    expect(config.stratum.ports[1]!.tls).toEqual({ cert: a.cert, key: a.key });
    expect(config.stratum.ports[0]!.tls).toBeUndefined();
    expect(config.stratum.ports[0]!.proxyProtocol).toBe(false);
  });

  test("a missing or unreadable file names the key and the file", () => {
    const missing = join(a.dir, "nope.pem");
    expect(failure({ tls: { cert: missing, key: a.key } })).toContain(`stratum.ports[1].tls.cert: cannot read ${missing} (ENOENT)`);
    expect(failure({ tls: { cert: a.cert, key: missing } })).toContain("stratum.ports[1].tls.key: cannot read");
    const locked = join(a.dir, "locked.pem");
    writeFileSync(locked, "x");
    chmodSync(locked, 0o000);
    // root reads any file; the check is only meaningful for other users.
    if (process.getuid?.() !== 0) expect(failure({ tls: { cert: a.cert, key: locked } })).toContain("(EACCES)");
  });

  test("files of the wrong kind, and a key of another certificate, are refused", () => {
    expect(failure({ tls: { cert: a.key, key: a.key } })).toContain("stratum.ports[1].tls.cert: ");
    expect(failure({ tls: { cert: a.cert, key: a.cert } })).toContain("tls.key: ");
    expect(failure({ tls: { cert: a.cert, key: b.key } })).toContain(`tls.key: ${b.key} is not the key of the certificate`);
  });

  test("tls keys are strict, and tls cannot share a port with proxyProtocol", () => {
    expect(failure({ tls: { cert: a.cert } })).toContain("stratum.ports[1].tls.key");
    expect(failure({ tls: { cert: a.cert, key: a.key, ca: a.cert } })).toContain('unknown key "ca"');
    expect(failure({ tls: { cert: a.cert, key: a.key }, proxyProtocol: true })).toContain("tls and proxyProtocol cannot be combined");
  });

  test("--check-config exits 2 and names the key", () => {
    const proc = Bun.spawnSync(["bun", "run", "index.ts", "--check-config", "--config", configFile({ tls: { cert: "missing.pem", key: a.key } })], {
      env: { ...process.env, DEBUG: "" },
    });
    expect(proc.exitCode).toBe(2);
    expect(proc.stderr.toString()).toContain("stratum.ports[1].tls.cert: cannot read missing.pem (ENOENT)");
  });
});
