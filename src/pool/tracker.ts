// Follows found blocks at the node until they are red, orphaned, or blue and matured, then credits them.

import type { Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import { blocksAwaitingWindow, claimedOutpoints, claimReward, openBlocks, updateBlockProgress, type BlockOutcome, type BlockProgress, type OpenBlock } from "../db/blocks.ts";
import type { BlockRewardInfo } from "../node/types.ts";
import { currentColor, isBlockUnknown, isMethodMissing, outpointKey, pickRewardUtxo, type ColorSource } from "./colorFallback.ts";
import { creditBlock } from "./credit.ts";
import { cutWindow } from "./recordBlock.ts";

/** The part of NodeClient the tracker needs. */
export interface BlockNode extends ColorSource {
  getBlockRewardInfo(hash: string): Promise<BlockRewardInfo>;
  getBlockDagInfo(): Promise<{ virtualDaaScore: bigint }>;
}

export interface TrackerOptions {
  db: Database;
  node: BlockNode;
  /** Confirmations (merging chain block's blue-score depth, or DAA depth of the reward output) before a block is paid. */
  maturity: bigint;
  /** A block the node still cannot place this many DAA scores after its own is orphaned and pays nothing. */
  orphanAfterDaa: bigint;
  feeBp: bigint;
  poolWallet: string;
  pplnsFactor: number;
  /** How long after recording a block its PPLNS window is cut (see cutWindow). */
  windowGraceMs: number;
  log: Logger;
}

export type Verdict = { status: "confirming" } | { status: "red" } | { status: "matured"; reward: bigint };

const UNKNOWN: BlockRewardInfo = { blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null };

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

/** A block no chain block has merged after `orphanAfterDaa` DAA scores never will be (it fell off the DAG). */
export function isOrphaned(color: BlockProgress["color"], blockDaaScore: bigint, virtualDaaScore: bigint, orphanAfterDaa: bigint): boolean {
  return color === "unknown" && virtualDaaScore - blockDaaScore > orphanAfterDaa;
}

export class BlockTracker {
  /** Whether the node answers getBlockRewardInfo; learnt from its first reply. */
  private hasRewardInfo = true;

  constructor(private readonly o: TrackerOptions) {}

  /** One pass over the open blocks. Errors on one block are logged and retried next pass. */
  async pass(): Promise<void> {
    for (const hash of await blocksAwaitingWindow(this.o.db, this.o.windowGraceMs)) {
      if (await cutWindow(this.o.db, hash, this.o.pplnsFactor)) this.o.log.debug("PPLNS window cut", { hash });
    }
    const open = await openBlocks(this.o.db);
    let virtualDaaScore: bigint | null = null;
    for (const block of open) {
      try {
        if (block.status === "confirming") {
          virtualDaaScore ??= (await this.o.node.getBlockDagInfo()).virtualDaaScore;
          const { progress, verdict } = await this.follow(block, virtualDaaScore);
          const outcome: BlockOutcome = verdict.status === "confirming" &&
            isOrphaned(progress.color, block.daaScore, virtualDaaScore, this.o.orphanAfterDaa) ? { status: "orphaned" } : verdict;
          await updateBlockProgress(this.o.db, block.hash, progress, outcome);
          if (outcome.status === "red") this.o.log.info("block is red; its window is not paid", { hash: block.hash });
          if (outcome.status === "orphaned") this.o.log.warn("block never merged; orphaned, it pays nothing", { hash: block.hash });
          if (outcome.status !== "matured") continue;
          this.o.log.info("block matured", { hash: block.hash, reward: outcome.reward.toString() });
        }
        const result = await creditBlock(this.o.db, block.hash, this.o.feeBp, this.o.poolWallet);
        if (result === "credited") this.o.log.info("block credited", { hash: block.hash });
      } catch (err) {
        this.o.log.warn("block tracking failed; will retry", { hash: block.hash, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async follow(block: OpenBlock, virtualDaaScore: bigint): Promise<{ progress: BlockProgress; verdict: Verdict }> {
    if (this.hasRewardInfo) {
      let info: BlockRewardInfo;
      try {
        info = await this.o.node.getBlockRewardInfo(block.hash);
      } catch (err) {
        if (isMethodMissing(err)) {
          this.hasRewardInfo = false;
          this.o.log.warn("node has no getBlockRewardInfo; following blocks by color and coinbase outputs instead");
          return this.followByColor(block, virtualDaaScore);
        }
        if (!isBlockUnknown(err)) throw err;
        info = UNKNOWN;
      }
      const progress = { color: info.blockColor, confirmations: info.confirmationCount, mergingBlockHash: info.mergingChainBlockHash };
      return { progress, verdict: judgeRewardInfo(info, this.o.maturity) };
    }
    return this.followByColor(block, virtualDaaScore);
  }

  /** Color from getCurrentBlockColor; reward and depth from the coinbase output paying the block (spec §5.3, §6). */
  private async followByColor(block: OpenBlock, virtualDaaScore: bigint): Promise<{ progress: BlockProgress; verdict: Verdict }> {
    let reward = block.reward;
    if (!reward) {
      const color = await currentColor(this.o.node, block.hash);
      if (color === "blue") reward = await this.claimRewardOutput(block);
      if (!reward) {
        return { progress: { color, confirmations: null, mergingBlockHash: null }, verdict: color === "red" ? { status: "red" } : { status: "confirming" } };
      }
    }
    const confirmations = virtualDaaScore - reward.daaScore;
    const progress: BlockProgress = { color: "blue", confirmations, mergingBlockHash: null };
    return { progress, verdict: confirmations >= this.o.maturity ? { status: "matured", reward: reward.amount } : { status: "confirming" } };
  }

  /** Claims the coinbase output that pays a blue block; null while the node does not show it yet. */
  private async claimRewardOutput(block: OpenBlock): Promise<OpenBlock["reward"]> {
    // PPLNS templates pay the pool; SOLO templates pay the finder.
    const payAddress = block.mode === "solo" ? block.finderAddress : this.o.poolWallet;
    const entries = await this.o.node.getUtxosByAddresses([payAddress]);
    const candidates = entries.filter((e) => e.utxoEntry.isCoinbase && e.utxoEntry.blockDaaScore >= block.daaScore);
    const claimed = await claimedOutpoints(this.o.db, candidates.map(outpointKey));
    const utxo = pickRewardUtxo(candidates, payAddress, block.daaScore, claimed);
    if (!utxo) return null;
    const reward = { amount: utxo.utxoEntry.amount, outpoint: outpointKey(utxo), daaScore: utxo.utxoEntry.blockDaaScore };
    return (await claimReward(this.o.db, block.hash, reward)) ? reward : null;
  }
}
