// What `bun run demo` runs with: a throwaway treasury key, two miner wallets that are not the treasury, and
// demo-only settings that show a block credited and paid within about two minutes. Nothing here is for real money.

import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../common/hex.ts";
import { treasuryAddressFromKey } from "../config/treasuryKey.ts";
import { join } from "node:path";

/** Fixed, so a newcomer sees the same two wallets every run; nobody holds their keys' secrets for real funds. */
export const DEMO_MINERS = [
  { name: "iceriver", agent: "IceRiverMiner-v1.1", address: treasuryAddressFromKey("a1".repeat(32), "devnet") },
  { name: "lolminer", agent: "lolMiner 1.88", address: treasuryAddressFromKey("b2".repeat(32), "devnet") },
] as const;

/** A fresh devnet key each run: the devnet forgets its chain on exit, so last run's wallet holds nothing. */
export function demoTreasuryKey(): string {
  return bytesToHex(schnorr.utils.randomSecretKey());
}

/** 2^20 hashes a block: one of ours every 10 s for two CPU miners at 100 kH/s, every 20 s on a busy machine. */
export const DEMO_NETWORK_DIFFICULTY = 1 / 4096;

export interface DemoPorts {
  node: number;
  stratum: number;
  api: number;
}

/** The pool's configuration file for the demo: the embedded defaults plus the settings that make it quick. */
export function demoConfig(dataDir: string, ports: DemoPorts): Record<string, unknown> {
  return {
    node: { urls: [`ws://127.0.0.1:${ports.node}`] },
    // Loopback only: the demo is for the machine it runs on.
    stratum: { host: "127.0.0.1", ports: [{ port: ports.stratum, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { host: "127.0.0.1", port: ports.api },
    // 20 DAA scores at the devnet's 10 blocks per second: a found block matures in about 2 s.
    treasury: { coinbaseMaturity: 20 },
    // Small enough that the first credits are due at once; cycles every 6 s.
    payments: { intervalMinutes: 0.1, thresholdKas: 1, feeBumpMinutes: 10 },
    database: { url: null, embeddedPath: join(dataDir, "pglite") },
  };
}
