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
  debug: z.boolean(),
});

export type ConfigInput = z.input<typeof configSchema>;
