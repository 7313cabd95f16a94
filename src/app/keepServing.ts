// A pool serves miners around the clock. A background job that fails where nobody awaits it (a timer, a
// fire-and-forget promise) is a bug to log and fix, not a reason for Bun to exit and drop every miner.

import type { Logger } from "../common/log.ts";

function describe(e: unknown): Record<string, string> {
  if (!(e instanceof Error)) return { error: String(e) };
  // The top frame, on the one log line, says where; the full trace would spread over many.
  const where = e.stack?.split("\n").find((l) => l.trimStart().startsWith("at "))?.trim().slice(3);
  return where ? { error: e.message, where } : { error: e.message };
}

/** Logs unhandled rejections and uncaught exceptions in the pool process instead of exiting. */
export function keepServingThroughBackgroundFailures(log: Logger): void {
  process.on("unhandledRejection", (reason) => log.error("background job failed (unhandled rejection); still serving", describe(reason)));
  process.on("uncaughtException", (err) => log.error("background job failed (uncaught exception); still serving", describe(err)));
}
