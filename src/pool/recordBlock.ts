// Records a found block, and later cuts the PPLNS window it pays.

import type { Database } from "../db/database.ts";
import { insertBlock, insertWindow, lockWindowlessBlock } from "../db/blocks.ts";
import { scanPplnsSharesNewestFirst } from "../db/shares.ts";
import type { FoundBlock } from "../shares/types.ts";
import { difficultyWeight, PplnsWindow, windowSize } from "./split.ts";

/** Returns false when the block was recorded already (a duplicate submission changes nothing). */
export function recordFoundBlock(db: Database, block: FoundBlock): Promise<boolean> {
  return insertBlock(db, block);
}

/**
 * Snapshots the PPLNS window of an accepted PPLNS block: the newest shares accepted up to the moment it was found.
 * Not at once: a share accepted just before the block may still be waiting on its own block submission to the
 * node, on a slow commit, or in the spool, so the tracker cuts a window only once the share watermark has passed
 * the block (src/shares/watermark.ts). Idempotent: a window is cut once.
 */
export async function cutWindow(db: Database, hash: string, pplnsFactor: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const block = await lockWindowlessBlock(tx, hash);
    if (!block) return false;
    const window = new PplnsWindow(windowSize(pplnsFactor, block.networkDifficulty));
    await scanPplnsSharesNewestFirst(tx, block.foundAt, (s) => window.add(s.address, s.worker, difficultyWeight(s.difficulty)));
    await insertWindow(tx, hash, window.entries());
    await tx.query("UPDATE blocks SET window_cut_at = now() WHERE hash = $1", [hash.toLowerCase()]);
    return true;
  });
}
