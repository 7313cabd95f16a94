// Whether the connected node is fit to mine on. Mining on an unsynced node builds on a stale tip, and the
// treasury cannot find its coins without the UTXO index, so the pool waits instead of starting half-blind.

import type { NetworkId } from "../config/types.ts";
import type { NodeClient } from "./client.ts";
import type { ServerInfo } from "./types.ts";

/** null when the node can be mined on; otherwise the reason it cannot, for an operator to read. */
export function readinessProblem(info: ServerInfo, network: NetworkId): string | null {
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
