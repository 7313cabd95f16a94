// The lowest share difficulty a network allows, so no client can make the pool check and store shares faster
// than they are worth. A share of difficulty D stands for D·2^32 hashes (spec §3.6); the README's Stratum
// section shows how the numbers follow from real hashrates.

import type { Config, NetworkId, StratumPortConfig } from "./types.ts";

/** Default floors: the smallest ASIC (IceRiver KS0, ~100 GH/s) makes ~5 shares a minute at 256 on mainnet. */
export const NETWORK_FLOORS: Readonly<Record<NetworkId, number>> = { mainnet: 256, "testnet-10": 1, devnet: 1e-9 };

/**
 * A configured floor below these is refused. Mainnet: at 1 a 1 GH/s GPU sends a share every ~4 s and a KS0 ~23 a
 * second, which the share-rate cap absorbs; far below, one client means thousands a second. Testnet-10 goes lower
 * for CPU miners (10 MH/s: a share every ~2 s at 2^-8). Devnet is local and only has the schema's 1e-9.
 */
export const HARD_MINIMUMS: Readonly<Record<NetworkId, number | null>> = { mainnet: 1, "testnet-10": 2 ** -8, devnet: null };

export function difficultyFloor(config: Config): number {
  return config.stratum.difficultyFloor ?? NETWORK_FLOORS[config.network];
}

/** "stratum.difficultyFloor: reason", or null. */
export function checkDifficultyFloor(config: Config): string | null {
  const hard = HARD_MINIMUMS[config.network];
  const floor = config.stratum.difficultyFloor;
  if (hard === null || floor === null || floor >= hard) return null;
  return `stratum.difficultyFloor: ${floor} is below the hard minimum ${hard} for ${config.network}`;
}

/** The port as it runs: its start difficulty and vardiff bounds (which also bound `d=`) raised to the floor. */
export function floorPort(port: StratumPortConfig, floor: number): StratumPortConfig {
  const difficulty = Math.max(port.difficulty, floor);
  if (!port.vardiff) return { ...port, difficulty };
  const { minDifficulty, maxDifficulty } = port.vardiff;
  const vardiff = { ...port.vardiff, minDifficulty: Math.max(minDifficulty, floor), maxDifficulty: Math.max(maxDifficulty, floor) };
  return { ...port, difficulty, vardiff };
}
