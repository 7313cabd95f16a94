// The stop request of a long-running command (pool, payer, proxy): the first SIGINT or SIGTERM.

import type { Logger } from "../common/log.ts";

export interface StopSignal {
  /** Resolves with the name of the first signal. */
  readonly received: Promise<string>;
  /** Whether a signal came, for loops that must not start new work. */
  stopping(): boolean;
}

/** Listens at once, so a signal during start-up also stops cleanly. Later signals are ignored, not fatal: Ctrl-C
 * reaches `bun run` and the process both, and `bun run` passes it on, so one keypress can arrive twice; each
 * command bounds its own stop. */
export function listenForStop(log: Logger): StopSignal {
  let signalled: string | null = null;
  const received = new Promise<string>((resolve) => {
    const on = (name: string) => () => {
      if (signalled) return log.debug("already stopping", { signal: name });
      resolve((signalled = name));
    };
    process.on("SIGINT", on("SIGINT"));
    process.on("SIGTERM", on("SIGTERM"));
  });
  return { received, stopping: () => signalled !== null };
}
