// Following a block on a node without getBlockRewardInfo (before rusty-kaspa 2.0): its color from
// getCurrentBlockColor, its reward from the coinbase output that pays it in the node's UTXO index.

import { NodeRpcError } from "../node/errors.ts";
import type { UtxoEntryWithAddress } from "../node/types.ts";

/** The part of NodeClient the fallback needs. */
export interface ColorSource {
  getCurrentBlockColor(hash: string): Promise<{ blue: boolean }>;
  getUtxosByAddresses(addresses: string[]): Promise<UtxoEntryWithAddress[]>;
}

/** The node has no such method: an older node, or one that hides it. */
export function isMethodMissing(err: unknown): boolean {
  return err instanceof NodeRpcError && /method/i.test(err.message) && /not (found|implemented|supported)|unknown/i.test(err.message);
}

/**
 * The node cannot say anything about this block yet: not merged ("…doesn't have any merger block.",
 * rusty-kaspa service.rs MergerNotFound) or not known at all ("Block … not found"). Such a block keeps
 * confirming until the tracker gives up on it as orphaned.
 */
export function isBlockUnknown(err: unknown): boolean {
  return err instanceof NodeRpcError && !isMethodMissing(err) && /merger block|not found/i.test(err.message);
}

export async function currentColor(node: ColorSource, hash: string): Promise<"unknown" | "blue" | "red"> {
  try {
    return (await node.getCurrentBlockColor(hash)).blue ? "blue" : "red";
  } catch (err) {
    if (isBlockUnknown(err)) return "unknown";
    throw err;
  }
}

export const outpointKey = (e: UtxoEntryWithAddress) => `${e.outpoint.transactionId}:${e.outpoint.index}`;

/**
 * The coinbase output that pays a blue block: a block's reward is an output of the coinbase of the chain block
 * that merges it (spec §6), so it pays the block's template address and its DAA score is at or after the
 * block's. Of the unclaimed candidates the earliest (by DAA score, then outpoint) is taken; blocks are
 * followed oldest first, so each takes the output of the first merge after it.
 * On a real node two of our blocks merged by the same chain block get outputs of one coinbase, possibly in
 * the other order; their total is right, their fees may be swapped.
 */
export function pickRewardUtxo(
  entries: readonly UtxoEntryWithAddress[],
  payAddress: string,
  blockDaaScore: bigint,
  claimed: ReadonlySet<string>,
): UtxoEntryWithAddress | null {
  let best: UtxoEntryWithAddress | null = null;
  for (const e of entries) {
    if (e.address !== payAddress || !e.utxoEntry.isCoinbase || e.utxoEntry.blockDaaScore < blockDaaScore) continue;
    if (claimed.has(outpointKey(e))) continue;
    if (!best || compareEntries(e, best) < 0) best = e;
  }
  return best;
}

function compareEntries(a: UtxoEntryWithAddress, b: UtxoEntryWithAddress): number {
  if (a.utxoEntry.blockDaaScore !== b.utxoEntry.blockDaaScore) return a.utxoEntry.blockDaaScore < b.utxoEntry.blockDaaScore ? -1 : 1;
  if (a.outpoint.transactionId !== b.outpoint.transactionId) return a.outpoint.transactionId < b.outpoint.transactionId ? -1 : 1;
  return a.outpoint.index - b.outpoint.index;
}
