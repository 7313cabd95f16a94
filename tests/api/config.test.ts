// GET /config publishes what a miner needs and nothing that helps an attacker: with every secret and internal
// address set (environment and file), none of their values, nor the payer's settings, appear in the answer.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase } from "../../src/db/database.ts";

const dir = mkdtempSync(join(tmpdir(), "kaspool-config-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = join(import.meta.dir, "../proxy/fixtures");
const env = {
  DATABASE_URL: "postgres://kaspool:dbpassw0rd@db.internal.example:5432/kaspooldb",
  NODE_URL: "ws://node-a.internal.example:17110,wss://node-b.internal.example:443",
  PUSHGATEWAY: "http://pushuser:pushpassw0rd@push.internal.example:9091",
  TREASURY_PRIVATE_KEY: "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef",
  API_HOST: "10.9.8.7",
  LOG_FORMAT: "json",
  DEBUG: "1",
};

test("/config holds none of the secrets, database, node, gateway or payer settings", async () => {
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({
    stratum: { ports: [
      { port: 5555, mode: "pplns", difficulty: 1 },
      { port: 5557, mode: "solo", difficulty: 1, tls: { cert: join(fixtures, "upstream-cert.pem"), key: join(fixtures, "upstream-key.pem") } },
    ] },
    api: { port: 0, corsOrigins: ["https://admin-only.internal.example"], trustProxy: true },
    payments: { intervalMinutes: 4321, thresholdKas: 10, feeBumpMinutes: 8765 },
    database: { embeddedPath: "/srv/secret-pglite-folder" },
    proxy: { upstreams: [{ name: "up", url: "stratum+tcp://upstream.internal.example:5555", user: "upstreamuser", password: "upstreampassw0rd" }] },
  }));
  const config = loadConfig({ env, file });
  // The API listens on loopback here whatever API_HOST says; the value must still not be published.
  config.api.host = "127.0.0.1";
  const db = await openDatabase({ url: null, embeddedPath: "memory://" });
  const api = startApi({ db, config });
  try {
    const res = await fetch(`http://127.0.0.1:${api.port}/config`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    // What a miner needs is there: the pool publishes its address, fee, ports and payout threshold.
    expect(body.treasury.address).toBe(config.treasury.address);
    expect(body.stratum.ports.map((p: { port: number }) => p.port)).toEqual([5555, 5557]);
    expect(body.payments.thresholdKas).toBe(10);

    const values = [
      ...Object.values(env), ...env.NODE_URL.split(","), "dbpassw0rd", "db.internal.example", "node-a.internal.example",
      "node-b.internal.example", "pushpassw0rd", "push.internal.example", "upstream.internal.example", "upstreamuser",
      "upstreampassw0rd", "admin-only.internal.example", "secret-pglite-folder", "upstream-key.pem", "upstream-cert.pem",
      "4321", "8765", env.TREASURY_PRIVATE_KEY.toUpperCase(),
    ];
    // DEBUG=1 and LOG_FORMAT=json are no secrets, and too short to look for.
    for (const v of values.filter((v) => v.length > 4)) expect(`${v}: ${text.toLowerCase().includes(v.toLowerCase())}`).toBe(`${v}: false`);
    for (const key of ["database", "node", "pushgateway", "proxy", "api", "history", "metrics", "log", "debug", "intervalMinutes", "feeBumpMinutes", "tls", "key", "password"]) {
      expect(text).not.toContain(`"${key}"`);
    }
  } finally {
    await api.stop();
    await db.close();
  }
});
