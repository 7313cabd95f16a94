// Follows found blocks at the node until they are red, orphaned, or blue and matured, then credits them.

import type { Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import { blocksAwaitingWindow, openBlocks, updateBlockProgress, type BlockOutcome, type BlockProgress } from "../db/blocks.ts";
import { NodeRpcError } from "../node/errors.ts";
import type { BlockRewardInfo } from "../node/types.ts";
import { creditBlock } from "./credit.ts";
import { creditFields, creditSummary } from "./creditSummary.ts";
import { cutWindow } from "./recordBlock.ts";

/** The part of NodeClient the tracker needs. */
export interface BlockNode {
  getBlockRewardInfo(hash: string): Promise<BlockRewardInfo>;
  getBlockDagInfo(): Promise<{ virtualDaaScore: bigint }>;
}

export interface TrackerOptions {
  db: Database;
  node: BlockNode;
  /** Confirmations (the merging chain block's blue-score depth) before a block's color and reward are final. */
  maturity: bigint;
  /** A block the node still cannot place this many DAA scores after its own is orphaned and pays nothing. */
  orphanAfterDaa: bigint;
  feeBp: bigint;
  poolWallet: string;
  pplnsFactor: number;
  /** Unix ms before which every accepted share is in the database; a block's window is cut once this passes it. */
  watermark(): number;
  log: Logger;
}

export type Verdict = { status: "confirming" } | { status: "red" } | { status: "matured"; reward: bigint };

const UNKNOWN: BlockRewardInfo = { blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null };

/**
 * What the node's reward info means for a block. A color is final only at maturity: until then a virtual-chain
 * reorg can change the merging chain block, and with it the color (at 10 BPS a shallow red can turn blue, and back).
 * Blue at maturity with a known reward is matured; red at maturity is final and earns nothing; everything else
 * (unknown, not yet merged, too shallow) waits and is asked again.
 */
export function judgeRewardInfo(info: BlockRewardInfo, maturity: bigint): Verdict {
  if (info.confirmationCount === null || info.confirmationCount < maturity) return { status: "confirming" };
  if (info.blockColor === "red") return { status: "red" };
  if (info.blockColor === "blue" && info.rewardAmount !== null) return { status: "matured", reward: info.rewardAmount };
  return { status: "confirming" };
}

/**
 * The node cannot say anything about this block yet: not merged ("…doesn't have any merger block.",
 * rusty-kaspa service.rs MergerNotFound) or not known at all ("Block … not found"). Such a block keeps
 * confirming until the tracker gives up on it as orphaned.
 */
export function isBlockUnknown(err: unknown): boolean {
  // "RPC method not found" is not about the block: counting it as unknown would orphan every block in time.
  return err instanceof NodeRpcError && !/method/i.test(err.message) && /merger block|not found/i.test(err.message);
}

/** A block no chain block has merged after `orphanAfterDaa` DAA scores never will be (it fell off the DAG). */
export function isOrphaned(color: BlockProgress["color"], blockDaaScore: bigint, virtualDaaScore: bigint, orphanAfterDaa: bigint): boolean {
  return color === "unknown" && virtualDaaScore - blockDaaScore > orphanAfterDaa;
}

export class BlockTracker {
  constructor(private readonly o: TrackerOptions) {}

  /** One pass over the open blocks. Errors on one block (its window cut or its follow-up) are logged and retried next pass. */
  async pass(): Promise<void> {
    for (const hash of await blocksAwaitingWindow(this.o.db, this.o.watermark())) {
      // A window that cannot be cut holds back its own block's credit, never the tracking of the others.
      try {
        if (await cutWindow(this.o.db, hash, this.o.pplnsFactor)) this.o.log.debug("PPLNS window cut", { hash });
      } catch (err) {
        this.o.log.warn("PPLNS window cut failed; will retry", { hash, error: err instanceof Error ? err.message : String(err) });
      }
    }
    const open = await openBlocks(this.o.db);
    let virtualDaaScore: bigint | null = null;
    for (const block of open) {
      try {
        if (block.status === "confirming") {
          virtualDaaScore ??= (await this.o.node.getBlockDagInfo()).virtualDaaScore;
          const { progress, verdict } = await this.follow(block.hash);
          const outcome: BlockOutcome = verdict.status === "confirming" &&
            isOrphaned(progress.color, block.daaScore, virtualDaaScore, this.o.orphanAfterDaa) ? { status: "orphaned" } : verdict;
          await updateBlockProgress(this.o.db, block.hash, progress, outcome);
          if (outcome.status === "red") this.o.log.info("block is red; its window is not paid", { hash: block.hash });
          if (outcome.status === "orphaned") this.o.log.warn("block never merged; orphaned, it pays nothing", { hash: block.hash });
          if (outcome.status !== "matured") continue;
          this.o.log.debug("block matured", { hash: block.hash, reward: outcome.reward.toString() });
        }
        const result = await creditBlock(this.o.db, block.hash, this.o.feeBp, this.o.poolWallet);
        if (result === "credited") this.o.log.info("block credited", { hash: block.hash, ...creditFields(await creditSummary(this.o.db, block.hash)) });
      } catch (err) {
        this.o.log.warn("block tracking failed; will retry", { hash: block.hash, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** What the node says about a block now (rusty-kaspa 2.x getBlockRewardInfo; older nodes are refused at start-up). */
  private async follow(hash: string): Promise<{ progress: BlockProgress; verdict: Verdict }> {
    let info: BlockRewardInfo;
    try {
      info = await this.o.node.getBlockRewardInfo(hash);
    } catch (err) {
      if (!isBlockUnknown(err)) throw err;
      info = UNKNOWN;
    }
    const progress = { color: info.blockColor, confirmations: info.confirmationCount, mergingBlockHash: info.mergingChainBlockHash };
    return { progress, verdict: judgeRewardInfo(info, this.o.maturity) };
  }
}
