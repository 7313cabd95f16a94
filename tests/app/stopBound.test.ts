// The bound on a command's graceful stop (src/app/stopSignal.ts), in a process of its own that gets a real
// SIGTERM: a stop that hangs ends the command with exit 1 and an error line once the bound has passed, and a stop
// that finishes in time is not held back by the bound's timer. The pool, the payer and the proxy all stop this way.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { collectOutput } from "../common/output.ts";

const STOP_SIGNAL = join(import.meta.dir, "../../src/app/stopSignal.ts");
const LOG = join(import.meta.dir, "../../src/common/log.ts");

/** A command that stops with `stop` (a script expression) once signalled, its stop bounded by `boundMs`. */
function command(stop: string, boundMs: number) {
  const script = `
    import { listenForStop } from ${JSON.stringify(STOP_SIGNAL)};
    import { createLogger } from ${JSON.stringify(LOG)};
    const signals = listenForStop(createLogger("t"), ${boundMs});
    console.log("running");
    await signals.received;
    const finished = await signals.bounded(${stop});
    console.log(finished ? "stopped" : "overdue");
    // As index.ts ends a command: an overdue stop still holds the event loop.
    if (!finished) process.exit(1);`;
  const proc = Bun.spawn(["bun", "-e", script], { env: { ...process.env, LOG_FORMAT: "text", DEBUG: "" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  return { proc, output: collectOutput(proc) };
}

test("a stop that hangs past the bound ends with exit 1 and says so; further signals change nothing", async () => {
  // A stop that never ends and holds the event loop, as a stuck socket or timer would.
  const { proc, output } = command("new Promise(() => setInterval(() => {}, 1_000))", 500);
  await output.line(/running/, 10_000);
  const signalled = performance.now();
  proc.kill("SIGTERM");
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(1);
  expect(performance.now() - signalled).toBeGreaterThanOrEqual(450);
  await output.drained;
  expect(output.stdout()).toContain("overdue");
  expect(output.output()).toMatch(/ERROR .*stopping took too long; exiting anyway boundSeconds=0\.5/);
}, 30_000);

test("a stop that finishes in time exits at once, not when the bound's timer would fire", async () => {
  const { proc, output } = command("Bun.sleep(100)", 20_000);
  await output.line(/running/, 10_000);
  const signalled = performance.now();
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  expect(performance.now() - signalled).toBeLessThan(10_000);
  await output.drained;
  expect(output.stdout()).toContain("stopped");
  expect(output.output()).not.toContain("took too long");
}, 30_000);
