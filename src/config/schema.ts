// The configuration schema: every key, its type and its limits. Unknown keys are errors, so a typo never
// silently falls back to a default.

import { z } from "zod";

const positive = z.number().finite().positive();
const difficulty = z.number().finite().min(1e-9, "must be at least 1e-9");
const port = z.number().int().min(0).max(65535);

export const vardiffSchema = z.strictObject({
  targetSharesPerMinute: positive,
  minDifficulty: difficulty,
  maxDifficulty: difficulty,
  intervalSeconds: positive,
  powerOfTwo: z.union([z.boolean(), z.literal("auto")]),
});

export const defaultVardiff: z.infer<typeof vardiffSchema> = {
  targetSharesPerMinute: 20,
  minDifficulty: 1e-9,
  maxDifficulty: 1e15,
  intervalSeconds: 10,
  powerOfTwo: "auto",
};

export const stratumPortSchema = z.strictObject({
  port,
  mode: z.enum(["pplns", "solo"]).default("pplns"),
  difficulty: difficulty.default(1),
  vardiff: z.union([z.literal(false), vardiffSchema]).default(defaultVardiff),
  encoding: z.enum(["auto", "bigheader", "words"]).default("auto"),
  /** PEM files; the port then speaks stratum+ssl. Checked for readability and a matching key when loaded. */
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Every connection must open with a PROXY v1 or v2 header naming the miner's address. */
  proxyProtocol: z.boolean().default(false),
});

/** stratum+tcp://HOST:PORT, as miners are configured (TLS is the upstream's `tls` key). */
const stratumUrl = z.string().regex(/^stratum\+tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([1-9][0-9]{0,4})$/, "must be stratum+tcp://HOST:PORT")
  .refine((u) => Number(u.slice(u.lastIndexOf(":") + 1)) <= 65535, "port must be 1 to 65535");
/** "HH:MM" in 24-hour time; "24:00" only makes sense as the end of a window. */
const clockTime = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, "must be HH:MM (00:00 to 24:00)");

export const upstreamSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, "must be 1 to 32 of A-Z a-z 0-9 _ . -"),
  url: stratumUrl,
  /** "<address>.<worker>" or a pool account: what the upstream credits. */
  user: z.string().min(1).max(256),
  password: z.string().max(256).default("x"),
  tls: z.boolean().default(false),
  /** Daily windows [from, to) in proxy.timeZone; an upstream without one serves outside every window, in order. */
  schedule: z.array(z.strictObject({ from: clockTime, to: clockTime })).default([]),
});

export const proxySchema = z.strictObject({
  upstreams: z.array(upstreamSchema),
  /** The upstream outside every scheduled window; needed when the windows leave part of the day uncovered. */
  default: z.string().nullable(),
  /** IANA time zone the schedule's clock times are read in. */
  timeZone: z.string().min(1),
  /** Bytes of nonce space the proxy adds after the upstream's extranonce: 2^(8·n) miners per upstream. */
  extranonceBytes: z.number().int().min(1).max(3),
  switchGraceSeconds: z.number().finite().min(0),
  connectTimeoutSeconds: positive,
  submitTimeoutSeconds: positive,
  reconnect: z.strictObject({ minMs: z.number().int().positive(), maxMs: z.number().int().positive() }),
  breaker: z.strictObject({
    failures: z.number().int().positive(),
    coolDownSeconds: positive,
    /** Consecutive upstream rejections that count as one failure. */
    rejectStorm: z.number().int().positive(),
  }),
  reportMinutes: positive,
});

const wsUrl = z.string().regex(/^wss?:\/\/[^\s]+$/, "must be a ws:// or wss:// URL");

export const configSchema = z.strictObject({
  network: z.enum(["mainnet", "testnet-10", "devnet"]),
  node: z.strictObject({
    urls: z.array(wsUrl).min(1, "needs at least one node URL"),
    requestTimeoutMs: z.number().int().positive(),
  }),
  stratum: z.strictObject({
    host: z.string().min(1),
    ports: z.array(stratumPortSchema).min(1, "needs at least one port"),
    templates: z.strictObject({ cacheSize: z.number().int().min(2).max(100_000) }),
    solo: z.strictObject({
      maxAddresses: z.number().int().positive(),
      cacheSize: z.number().int().min(2).max(100_000),
      lingerSeconds: z.number().finite().min(0),
    }),
    staleJobSeconds: positive,
    jobThrottleMs: z.number().int().min(0),
    extranonceSize: z.number().int().min(0).max(3),
    maxLineBytes: z.number().int().min(256),
    maxConnectionsPerIp: z.number().int().positive(),
    idleTimeoutSeconds: positive,
    handshakeTimeoutSeconds: positive,
    closeGraceSeconds: positive,
    difficultyFloor: difficulty.nullable(),
    shareRateCap: z.strictObject({ windowSeconds: z.number().min(1), overTarget: z.number().min(1), fixedSharesPerMinute: positive }),
    ban: z.strictObject({
      enabled: z.boolean(),
      invalidRatio: z.number().gt(0).max(1),
      minShares: z.number().int().positive(),
      durationSeconds: positive,
    }),
  }),
  api: z.strictObject({
    host: z.string().min(1),
    port,
    corsOrigins: z.array(z.string().regex(/^(\*|https?:\/\/[^\s/]+)$/, "must be * or an http(s) origin")),
    rateLimit: z.strictObject({ requestsPerSecond: positive, burst: z.number().int().positive() }),
    trustProxy: z.boolean(),
  }),
  history: z.strictObject({
    minutesKeptHours: z.number().int().min(1),
    hoursKeptDays: z.number().int().min(1),
    sharesMarginMinutes: z.number().int().min(1),
    pruneIntervalSeconds: z.number().int().min(10),
  }),
  treasury: z.strictObject({
    fee: z.number().min(0).max(100),
    address: z.string(),
    coinbaseMaturity: z.number().int().positive(),
  }),
  pplns: z.strictObject({ factor: positive }),
  payments: z.strictObject({ intervalMinutes: positive, thresholdKas: positive, feeBumpMinutes: positive }),
  database: z.strictObject({ url: z.string().min(1).nullable(), embeddedPath: z.string().min(1) }),
  pushgateway: z.string().url().nullable(),
  metrics: z.strictObject({
    workerSeries: z.boolean(),
    maxWorkerSeries: z.number().int().positive().max(100_000),
    pushIntervalSeconds: z.number().finite().min(1),
    legacyNames: z.boolean(),
  }),
  log: z.strictObject({ format: z.enum(["text", "json", "auto"]) }),
  debug: z.boolean(),
  proxy: proxySchema,
});

export type ConfigInput = z.input<typeof configSchema>;
