// Credits a matured block: fee and PPLNS split into the ledger and balances, in one idempotent transaction.

import type { Database } from "../db/database.ts";
import { lockBlock, markCredited, windowOf } from "../db/blocks.ts";
import { applyLedger, type LedgerEntry } from "../db/ledger.ts";
import { splitReward } from "./split.ts";

/** The ledger's miner_id for the pool's own account (fees, and rewards of blocks with an empty window). */
export const POOL_ACCOUNT = "pool";

export type CreditResult = "credited" | "solo" | "not-matured" | "window-pending" | "already-credited";

/**
 * Credits one matured block. The block row is locked and its status moves to 'credited' in the same
 * transaction as the ledger rows, so a second run (or a concurrent one) finds nothing to do.
 * SOLO blocks pay their finder on-chain through the template, so they are only marked credited.
 */
export async function creditBlock(db: Database, hash: string, feeBp: bigint, poolWallet: string): Promise<CreditResult> {
  return db.transaction(async (tx) => {
    const block = await lockBlock(tx, hash);
    if (!block) throw new Error(`unknown block ${hash}`);
    if (block.status === "credited") return "already-credited";
    if (block.status !== "matured" || block.reward === null) return "not-matured";
    if (block.mode === "pplns" && !block.windowCut) return "window-pending";
    if (block.mode === "solo") {
      await markCredited(tx, hash);
      return "solo";
    }
    const split = splitReward(block.reward, feeBp, await windowOf(tx, hash));
    const entries: LedgerEntry[] = split.credits.map((c) => ({
      wallet: c.address, minerId: c.worker, amount: c.amount, reason: "block_credit",
      blockHash: block.hash, paymentId: null, note: null,
    }));
    if (split.fee > 0n) {
      entries.push({
        wallet: poolWallet, minerId: POOL_ACCOUNT, amount: split.fee, reason: "fee",
        blockHash: block.hash, paymentId: null, note: split.credits.length ? null : "empty PPLNS window",
      });
    }
    await applyLedger(tx, entries);
    await markCredited(tx, hash);
    return "credited";
  });
}
