// Resubmits found blocks whose submission no node answered, unchanged, until a node gives its verdict or the
// tracker settles them. It runs whenever a node (re)connects and on a timer, and after a restart too: the block is
// kept in its row.

import { parseJson, toBigInt } from "../common/json.ts";
import type { Logger } from "../common/log.ts";
import type { Database } from "../db/database.ts";
import { settleSubmission, unansweredSubmissions } from "../db/blocks.ts";
import type { BlockSubmitter } from "../node/blockSubmitter.ts";
import type { BlockTemplate } from "../node/types.ts";

export interface ResubmissionOptions {
  db: Database;
  submitter: Pick<BlockSubmitter, "submit" | "onConnected">;
  log: Logger;
  /** Milliseconds between passes while no node reconnects. Default 5,000. */
  intervalMs?: number;
}

export interface BlockResubmission {
  stop(): Promise<void>;
}

export function startBlockResubmission(o: ResubmissionOptions): BlockResubmission {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pass = async () => {
    const pending = await unansweredSubmissions(o.db);
    await Promise.all(pending.map(async ({ hash, block }) => {
      const parsed = parseJson(block) as BlockTemplate;
      const outcome = await o.submitter.submit(parsed, toBigInt(parsed.header.nonce, "header.nonce"));
      if (outcome.status === "unanswered") return o.log.debug("resubmitted block still unanswered", { hash, error: outcome.error });
      // A node that has the block already answers success: rusty-kaspa's header processor returns a known block's
      // stored status (consensus/src/pipeline/header_processor/processor.rs, process_header). Only the RPC's
      // stale-DAA check comes first, and the tracker orphans a block long before it could apply.
      await settleSubmission(o.db, hash, outcome.status === "rejected" ? outcome.reason : null);
      if (outcome.status === "accepted") o.log.info("resubmitted block accepted", { hash });
      else o.log.warn("resubmitted block rejected by node", { hash, reason: outcome.reason });
    }));
  };
  // Passes never overlap; a trigger during a pass runs one more after it.
  const trigger = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((err) => o.log.warn("block resubmission pass failed", { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          trigger();
        }
      });
  };

  const off = o.submitter.onConnected(trigger);
  const timer = setInterval(trigger, o.intervalMs ?? 5_000);
  trigger();
  return {
    async stop() {
      stopped = true;
      off();
      clearInterval(timer);
      while (running) await running;
    },
  };
}
