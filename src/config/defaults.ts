// Embedded defaults: a pool that runs on a fresh machine against the devnet, with the embedded database.

import type { ConfigInput } from "./schema.ts";

/** The devnet address of the BIP-340 test-vector key: fine for a demo, never for real money. */
export const DEVNET_POOL_ADDRESS = "kaspadev:qr0lr4ml9fn3chekrqmjdkergxl93l4wrk3dankcgvjq776s9wn9j6n4stne3";

export const defaults: ConfigInput = {
  network: "devnet",
  node: { urls: ["ws://127.0.0.1:18610"], requestTimeoutMs: 10_000 },
  stratum: {
    host: "0.0.0.0",
    ports: [
      { port: 5555, mode: "pplns", difficulty: 1 / 65536, encoding: "auto", proxyProtocol: false },
      { port: 5556, mode: "solo", difficulty: 1 / 65536, encoding: "auto", proxyProtocol: false },
    ],
    templates: { cacheSize: 300 },
    solo: { maxAddresses: 200, cacheSize: 16, lingerSeconds: 10 },
    staleJobSeconds: 30,
    jobThrottleMs: 250,
    extranonceSize: 2,
    maxLineBytes: 4096,
    maxConnectionsPerIp: 256,
    idleTimeoutSeconds: 600,
    handshakeTimeoutSeconds: 15,
    closeGraceSeconds: 10,
    difficultyFloor: null,
    shareRateCap: { windowSeconds: 10, overTarget: 10, fixedSharesPerMinute: 600 },
    ban: { enabled: true, invalidRatio: 0.5, minShares: 50, durationSeconds: 600 },
  },
  api: { host: "127.0.0.1", port: 8080, corsOrigins: [], rateLimit: { requestsPerSecond: 5, burst: 20 }, trustProxy: false },
  history: { minutesKeptHours: 48, hoursKeptDays: 90, sharesMarginMinutes: 60, pruneIntervalSeconds: 300 },
  treasury: { fee: 1, address: DEVNET_POOL_ADDRESS, coinbaseMaturity: 1000 },
  pplns: { factor: 2 },
  payments: { intervalMinutes: 60, thresholdKas: 10, feeBumpMinutes: 10 },
  database: { url: null, embeddedPath: "./data/pglite" },
  pushgateway: null,
  metrics: { workerSeries: false, maxWorkerSeries: 1_000, pushIntervalSeconds: 60, legacyNames: false },
  log: { format: "text" },
  debug: false,
  proxy: {
    upstreams: [],
    default: null,
    timeZone: "UTC",
    extranonceBytes: 1,
    switchGraceSeconds: 10,
    connectTimeoutSeconds: 10,
    submitTimeoutSeconds: 10,
    reconnect: { minMs: 500, maxMs: 30_000 },
    breaker: { failures: 5, coolDownSeconds: 60, rejectStorm: 50 },
    reportMinutes: 15,
  },
};
