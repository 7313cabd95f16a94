// Follows found blocks at the node until they are red or blue and matured, then credits them.

import type { Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import { openBlocks, updateBlockProgress } from "../db/blocks.ts";
import type { BlockRewardInfo } from "../node/types.ts";
import { creditBlock } from "./credit.ts";

/** The part of NodeClient the tracker needs. */
export interface BlockRewardSource {
  getBlockRewardInfo(hash: string): Promise<BlockRewardInfo>;
}

export interface TrackerOptions {
  db: Database;
  node: BlockRewardSource;
  /** Confirmations (merging chain block's blue-score depth) a blue block needs before it is paid. */
  maturity: bigint;
  feeBp: bigint;
  poolWallet: string;
  log: Logger;
}

export type Verdict =
  | { status: "confirming" }
  | { status: "red" }
  | { status: "matured"; reward: bigint };

/**
 * What the node's reward info means for a block. Blue and deep enough with a known reward is matured;
 * red is final and earns nothing; everything else (unknown, not yet merged, too shallow) waits.
 */
export function judgeRewardInfo(info: BlockRewardInfo, maturity: bigint): Verdict {
  if (info.blockColor === "red") return { status: "red" };
  if (info.blockColor === "blue" && info.confirmationCount !== null && info.confirmationCount >= maturity && info.rewardAmount !== null) {
    return { status: "matured", reward: info.rewardAmount };
  }
  return { status: "confirming" };
}

/** One pass over the open blocks. Errors on one block are logged and retried next pass. */
export async function trackBlocks(o: TrackerOptions): Promise<void> {
  for (const block of await openBlocks(o.db)) {
    try {
      if (block.status === "confirming") {
        const info = await o.node.getBlockRewardInfo(block.hash);
        const verdict = judgeRewardInfo(info, o.maturity);
        await updateBlockProgress(o.db, block.hash, {
          color: info.blockColor, confirmations: info.confirmationCount, mergingBlockHash: info.mergingChainBlockHash,
        }, verdict);
        if (verdict.status === "red") o.log.info("block is red; its window is not paid", { hash: block.hash });
        if (verdict.status !== "matured") continue;
        o.log.info("block matured", { hash: block.hash, reward: verdict.reward.toString() });
      }
      const result = await creditBlock(o.db, block.hash, o.feeBp, o.poolWallet);
      if (result === "credited") o.log.info("block credited", { hash: block.hash });
    } catch (err) {
      o.log.warn("block tracking failed; will retry", { hash: block.hash, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
