// Network figures for the API, from the node's getBlockDagInfo, cached briefly so API traffic never becomes
// node traffic. The node's difficulty is 2^255 / target, so expected hashes per block are 2 × difficulty.

import type { BlockDagInfo } from "../node/types.ts";

/** Blocks per second: 10 on mainnet and testnet-10 since Crescendo, and the devnet's default. */
export const BLOCKS_PER_SECOND = 10;

export interface NetworkFigures {
  hashrate: number;
  difficulty: number;
  daaScore: bigint;
}

function networkFigures(info: BlockDagInfo): NetworkFigures {
  return { hashrate: info.difficulty * 2 * BLOCKS_PER_SECOND, difficulty: info.difficulty, daaScore: info.virtualDaaScore };
}

const CACHE_MS = 2_000;

/** null while the node cannot be asked; a failed call is not retried until the cache time has passed. */
export function cachedNetwork(dagInfo: () => Promise<BlockDagInfo>, clock = Date.now): () => Promise<NetworkFigures | null> {
  let at = -Infinity;
  let value: NetworkFigures | null = null;
  let inflight: Promise<NetworkFigures | null> | null = null;
  return async () => {
    if (clock() - at < CACHE_MS) return value;
    inflight ??= dagInfo()
      .then(networkFigures, () => null)
      .then((v) => {
        value = v;
        at = clock();
        inflight = null;
        return v;
      });
    return inflight;
  };
}
