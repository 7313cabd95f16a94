// The dialect a miner speaks, decided by the user agent it sends in mining.subscribe (spec §3.2, §3.5).
// IceRiver, BzMiner and Goldshell take the 80-hex "big header" job (Go bridges' bigJobRegex, Miningcore
// ValidateIsLargeJob); Bitmain takes the 4-word job, a `[null, extranonce, size]` subscribe result and no
// extranonce (rusty-kaspa bridge default_client.rs); every other miner gets the 4-word job.

import type { JobEncoding } from "../config/types.ts";

export type MinerFamily = "iceriver" | "bitmain" | "bzminer" | "goldshell" | "other";

export interface MinerType {
  family: MinerFamily;
  encoding: "bigheader" | "words";
  /** Bitmain firmware reads its extranonce from the subscribe result and gets none. */
  bitmain: boolean;
  /** IceRiver firmware expects notifications without id/jsonrpc (rusty-kaspa bridge sends them "minimal"). */
  minimalNotifications: boolean;
  /** ASICs hash at power-of-two difficulties best (rdugan config.yaml pow2_clamp). */
  asic: boolean;
  /**
   * Firmware that submits shares under a wrong job id, so a share failing its claimed job is tried on recent ones.
   * IceRiver and Bitmain: the Go bridges' share_handler.go ("IceRiver/Bitmain ASICs ... submit jobs with incorrect
   * IDs"), the rusty-kaspa bridge likewise, and Miningcore does it for GodMiner and IceRiver (kaspa-mining.md §3,
   * stale job handling; peers.md, lessons). No source reports it for Goldshell, BzMiner or GPU miners.
   */
  reportsWrongJobIds: boolean;
}

const FAMILIES: Array<[MinerFamily, RegExp]> = [
  ["iceriver", /iceriver|icemining|\bicm/i],
  ["bitmain", /godminer|bitmain|antminer/i],
  ["bzminer", /bzminer/i],
  ["goldshell", /goldshell/i],
];

export function classifyMiner(userAgent: string, portEncoding: JobEncoding): MinerType {
  const family = FAMILIES.find(([, re]) => re.test(userAgent))?.[0] ?? "other";
  const natural = family === "iceriver" || family === "bzminer" || family === "goldshell" ? "bigheader" : "words";
  return {
    family,
    encoding: portEncoding === "auto" ? natural : portEncoding,
    bitmain: family === "bitmain",
    minimalNotifications: family === "iceriver",
    asic: family === "iceriver" || family === "bitmain" || family === "goldshell",
    reportsWrongJobIds: family === "iceriver" || family === "bitmain",
  };
}
