// Whether the connected node is fit to mine on. Mining on an unsynced node builds on a stale tip, and the
// treasury cannot find its coins without the UTXO index, so the pool waits instead of starting half-blind.

import type { NetworkId } from "../config/types.ts";
import type { NodeClient } from "./client.ts";
import type { ServerInfo } from "./types.ts";

/**
 * The oldest rusty-kaspa the pool follows blocks with: getBlockRewardInfo (color, confirmations, reward) is new
 * in 2.0.0 (rusty-kaspa docs/toccata-guide.md), and every node that can follow mainnet after Toccata is 2.x.
 * The version is read from getServerInfo, never probed: an older node drops the socket on an unknown method.
 */
export const MIN_NODE_MAJOR = 2;

/** The major of a "major.minor.patch[-suffix]" version; null when it is not one. */
export function majorVersion(version: string): number | null {
  const m = /^v?(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

/** null when the node can be mined on; otherwise the reason it cannot, for an operator to read. */
export function readinessProblem(info: ServerInfo, network: NetworkId): string | null {
  const major = majorVersion(info.serverVersion);
  if (major === null || major < MIN_NODE_MAJOR) {
    return `node version "${info.serverVersion}" is too old: kaspool needs rusty-kaspa ${MIN_NODE_MAJOR}.0.0 or newer (getBlockRewardInfo)`;
  }
  if (info.networkId !== network) return `node is on ${info.networkId}, the pool is configured for ${network}`;
  if (!info.hasUtxoIndex) return "node runs without --utxoindex";
  if (!info.isSynced) return "node is not synced";
  return null;
}

export async function checkNodeReady(client: NodeClient, network: NetworkId): Promise<string | null> {
  try {
    return readinessProblem(await client.getServerInfo(), network);
  } catch (err) {
    return `node did not answer getServerInfo: ${(err as Error).message}`;
  }
}
