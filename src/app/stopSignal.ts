// The stop request of a long-running command (pool, payer, proxy): the first SIGINT or SIGTERM, and the bound on
// how long the graceful stop it starts may take.

import type { Logger } from "../common/log.ts";

/** How long a graceful stop may take; past it the command exits 1 and its next start picks up what was left. */
export const SHUTDOWN_BOUND_MS = 30_000;

export interface StopSignal {
  /** Resolves with the name of the first signal. */
  readonly received: Promise<string>;
  /** Whether a signal came, for loops that must not start new work. */
  stopping(): boolean;
  /** True once `work` ends; false, after an error line, when it is still going the bound after the signal. */
  bounded(work: Promise<unknown>): Promise<boolean>;
}

/** Listens at once, so a signal during start-up also stops cleanly. Later signals are ignored, not fatal: Ctrl-C
 * reaches `bun run` and the process both, and `bun run` passes it on, so one keypress can arrive twice; the bound
 * is what ends a stop that hangs. */
export function listenForStop(log: Logger, boundMs = SHUTDOWN_BOUND_MS): StopSignal {
  let signalled: string | null = null;
  let overdue!: () => void;
  const late = new Promise<false>((resolve) => (overdue = () => resolve(false)));
  const received = new Promise<string>((resolve) => {
    const on = (name: string) => () => {
      if (signalled) return log.debug("already stopping", { signal: name });
      // Unref'd: a command whose stop ends in time exits without waiting for it.
      setTimeout(overdue, boundMs).unref();
      resolve((signalled = name));
    };
    process.on("SIGINT", on("SIGINT"));
    process.on("SIGTERM", on("SIGTERM"));
  });
  return {
    received,
    stopping: () => signalled !== null,
    async bounded(work) {
      const finished = await Promise.race([work.then(() => true), late]);
      // Nothing acknowledged is lost: the spool is replayed and written payouts are settled at the next start.
      if (!finished) log.error("stopping took too long; exiting anyway", { boundSeconds: boundMs / 1000 });
      return finished;
    },
  };
}
