// Records a found block and, for an accepted PPLNS block, the PPLNS window it pays, in one transaction.

import type { Database } from "../db/database.ts";
import { insertBlock, insertWindow } from "../db/blocks.ts";
import { scanPplnsSharesNewestFirst } from "../db/shares.ts";
import type { FoundBlock } from "../shares/types.ts";
import { difficultyWeight, PplnsWindow, windowSize } from "./split.ts";

/** Returns false when the block was recorded already (a duplicate submission changes nothing). */
export async function recordFoundBlock(db: Database, block: FoundBlock, pplnsFactor: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await insertBlock(tx, block))) return false;
    if (block.mode === "pplns" && block.accepted) {
      const window = new PplnsWindow(windowSize(pplnsFactor, block.networkDifficulty));
      await scanPplnsSharesNewestFirst(tx, block.foundAt, (s) => window.add(s.address, s.worker, difficultyWeight(s.difficulty)));
      await insertWindow(tx, block.hash, window.entries());
    }
    return true;
  });
}
