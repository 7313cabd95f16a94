// The shape of a validated configuration. Every key is documented in README.md.

export type NetworkId = "mainnet" | "testnet-10" | "devnet";
export type PortMode = "pplns" | "solo";
export type JobEncoding = "auto" | "bigheader" | "words";

export interface VardiffConfig {
  /** Shares per minute each connection should submit. */
  targetSharesPerMinute: number;
  minDifficulty: number;
  maxDifficulty: number;
  /** Seconds between retarget checks. */
  intervalSeconds: number;
  /** Round to a power of two; "auto" does so for ASIC (big header / Bitmain) miners only. */
  powerOfTwo: boolean | "auto";
}

export interface StratumPortConfig {
  port: number;
  mode: PortMode;
  /** Start difficulty in share units (difficulty 1 = target 2^224). */
  difficulty: number;
  vardiff: VardiffConfig | false;
  encoding: JobEncoding;
}

export interface StratumConfig {
  host: string;
  ports: StratumPortConfig[];
  templates: { cacheSize: number };
  /** Minimum milliseconds between two job broadcasts to one miner. */
  jobThrottleMs: number;
  extranonceSize: number;
  maxLineBytes: number;
  maxConnectionsPerIp: number;
  idleTimeoutSeconds: number;
  ban: { enabled: boolean; invalidRatio: number; minShares: number; durationSeconds: number };
}

export interface Config {
  network: NetworkId;
  node: { urls: string[]; requestTimeoutMs: number };
  stratum: StratumConfig;
  api: { host: string; port: number };
  treasury: {
    /** Pool fee in percent, e.g. 1.5. Held internally as basis points. */
    fee: number;
    /** The pool's payout address, where PPLNS coinbases are paid. */
    address: string;
  };
  pplns: { factor: number };
  payments: { intervalMinutes: number; thresholdKas: number };
  database: { url: string | null; embeddedPath: string };
  pushgateway: string | null;
  debug: boolean;
}
