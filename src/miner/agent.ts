// What a miner claims to be decides the stratum dialect the pool will speak to it (spec §3.2, §3.5).
// We mirror the pools' user-agent rules so that the CPU miner can stand in for each hardware family.

export type JobEncoding = "bigheader" | "words";

export interface MinerProfile {
  /** Shape of mining.notify params this agent expects. */
  encoding: JobEncoding;
  /** Bitmain firmware gets `[null, extranonce, size]` as its subscribe result. */
  bitmain: boolean;
}

// Go bridges match BzMiner|IceRiverMiner; Miningcore adds Goldshell (spec §3.5).
const BIG_HEADER_AGENT = /iceriverminer|bzminer|goldshell/i;
// Go bridges match GodMiner; the Rust bridge also bitmain/antminer (spec §3.2).
const BITMAIN_AGENT = /godminer|bitmain|antminer/i;

export const DEFAULT_AGENT = "kaspool-cpuminer/0.1";

export function minerProfile(agent: string): MinerProfile {
  return { encoding: BIG_HEADER_AGENT.test(agent) ? "bigheader" : "words", bitmain: BITMAIN_AGENT.test(agent) };
}
