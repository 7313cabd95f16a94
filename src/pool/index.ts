// Pool accounting: durable shares (recorder), found blocks followed to their color and reward (tracker), credits.

import type { Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import type { Database } from "../db/database.ts";
import { ShareRecorder } from "../shares/recorder.ts";
import type { ShareSink } from "../shares/types.ts";
import { recordFoundBlock } from "./recordBlock.ts";
import { feeBasisPoints } from "./split.ts";
import { BlockTracker, type BlockNode } from "./tracker.ts";

export interface PoolAccountingOptions {
  db: Database;
  node: BlockNode;
  config: Pick<Config, "treasury" | "pplns">;
  log: Logger;
  /** Where shares wait while the database is unreachable. */
  spoolPath: string;
  /** Milliseconds between block tracking passes. */
  pollMs?: number;
  /**
   * DAA scores after which a block the node still cannot place is orphaned. Default 6,000: ten minutes at
   * 10 blocks per second, far beyond any merge delay of a block that made it into the DAG.
   */
  orphanAfterDaa?: bigint;
  /** Hears each share batch made durable (metrics). */
  onShareBatch?: (records: number, seconds: number) => void;
}

export interface PoolAccounting {
  sink: ShareSink;
  /** Shares and blocks accepted but not yet in the database. */
  backlog(): number;
  /** Runs one tracking pass now (tests; the timer does it otherwise). */
  trackNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPoolAccounting(o: PoolAccountingOptions): Promise<PoolAccounting> {
  const feeBp = feeBasisPoints(o.config.treasury.fee);
  const factor = o.config.pplns.factor;
  const recorder = await ShareRecorder.start({
    db: o.db,
    spoolPath: o.spoolPath,
    persistBlock: async (block) => {
      const added = await recordFoundBlock(o.db, block);
      // Stratum already said "block found"; the next info line about it is "block credited".
      o.log.debug(added ? "block recorded" : "block already recorded", { hash: block.hash, mode: block.mode, accepted: block.accepted });
    },
    log: o.log.child("shares"),
    onBatch: o.onShareBatch,
  });

  const tracker = new BlockTracker({
    db: o.db, node: o.node, maturity: BigInt(o.config.treasury.coinbaseMaturity), orphanAfterDaa: o.orphanAfterDaa ?? 6_000n,
    feeBp, poolWallet: o.config.treasury.address, pplnsFactor: factor, watermark: () => recorder.watermark(),
    log: o.log.child("blocks"),
  });
  // Passes never overlap: a slow node or database delays the next pass instead of stacking them.
  let pass: Promise<void> | null = null;
  const trackNow = async () => {
    while (pass) await pass;
    pass = tracker.pass().finally(() => (pass = null));
    return pass;
  };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const loop = () => {
    timer = setTimeout(async () => {
      await trackNow().catch((err) => o.log.warn("block tracking pass failed", { error: String(err) }));
      if (!stopped) loop();
    }, o.pollMs ?? 2_000);
  };
  loop();

  return {
    sink: recorder,
    backlog: () => recorder.backlog,
    trackNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (pass) await pass;
      await recorder.stop();
    },
  };
}
