// Block shares between their submission to the nodes and their hand-over to the share sink. Stratum's stop waits
// for them, so a block found while the pool stops reaches the recorder before accounting stops (issues 7, 10).
// Only block shares come here: an ordinary share is handed over in the turn it is validated, with no wait.

import type { SubmitOutcome } from "../node/blockSubmitter.ts";

export interface Handover {
  /** The nodes' answer, or "unanswered" if stop gave up waiting for it first. */
  outcome: Promise<SubmitOutcome>;
  /** Called once the block and its share are in the sink's hands. */
  handedOver(): void;
}

const CUT_OFF: SubmitOutcome = { status: "unanswered", error: "the pool stopped before a node answered" };

export class BlockHandovers {
  /** Each open hand-over's cut-off: it settles the outcome as unanswered. */
  private readonly open = new Set<(outcome: SubmitOutcome) => void>();
  private idle: (() => void) | null = null;

  begin(submission: Promise<SubmitOutcome>): Handover {
    let cut!: (outcome: SubmitOutcome) => void;
    const outcome = Promise.race([submission, new Promise<SubmitOutcome>((resolve) => (cut = resolve))]);
    this.open.add(cut);
    return {
      outcome,
      handedOver: () => {
        if (this.open.delete(cut) && this.open.size === 0) this.idle?.();
      },
    };
  }

  /**
   * Resolves once every block is handed over, waiting at most `boundMs` for the nodes' answers. A submission still
   * unanswered then is cut off: its block is recorded as unanswered, with its pending_block, and the next start
   * resubmits it. That makes "never forgotten" hold whatever a node takes and in whatever order the pool's parts
   * stop; the hand-over of a cut-off block follows within the same turn of the event loop.
   */
  async drain(boundMs: number): Promise<void> {
    if (this.open.size === 0) return;
    const drained = new Promise<void>((resolve) => (this.idle = resolve));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))]);
    clearTimeout(timer);
    for (const cut of this.open) cut(CUT_OFF);
    await drained;
  }
}
