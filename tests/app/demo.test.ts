// `bun run demo` as a newcomer runs it: within about two minutes the log shows the dashboard's URL, accepted shares,
// a found block, its PPLNS credit and a payout the devnet accepted, each as one line; Ctrl-C (SIGINT) stops it with
// exit 0.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { collectOutput } from "../common/output.ts";
import { scratch } from "../common/scratch.ts";

const tmp = scratch("demo");

test("bun run demo shows shares, a block, a credit and a payout, and stops cleanly on SIGINT", async () => {
  const demo = Bun.spawn(["bun", "run", "demo", "--data", join(tmp.dir, "data"), "--free-ports"], {
    env: { ...process.env, DEBUG: "" }, stdout: "pipe", stderr: "pipe",
  });
  const logs = collectOutput(demo);
  const lines = ["demo key, devnet only", "dashboard url=http://127.0.0.1:", "shares accepted by the pool", "block found", "block credited", "payout accepted"];
  const deadline = Date.now() + 170_000;
  while (!lines.every((l) => logs.output().includes(l)) && Date.now() < deadline && demo.exitCode === null) await Bun.sleep(200);
  let out = logs.output();
  for (const l of lines) expect(out).toContain(l);
  // --free-ports configures port 0: the URL names the port the API bound, not the one configured.
  const apiPort = /api listening .*port=(\d+)/.exec(out)?.[1];
  expect(apiPort).not.toBe("0");
  expect(out).toContain(`dashboard url=http://127.0.0.1:${apiPort}/`);
  // The credit and the payout are readable: amounts in KAS, the miners counted.
  expect(out).toMatch(/block credited .*reward=\d+\.\d{8} KAS fee=\d+\.\d{8} KAS miners=\d/);
  expect(out).toMatch(/payout accepted .*paid=\d+\.\d{8} KAS/);
  // Per block, two info lines (found, credited): the devnet's own and the bookkeeping steps are at debug.
  for (const quiet of ["[kaspool:devnet]", "block recorded", "block matured", "payout written"]) expect(out).not.toContain(quiet);

  // A terminal's Ctrl-C reaches both `bun run` and the demo, and `bun run` passes it on: twice, quickly.
  demo.kill("SIGINT");
  await Bun.sleep(20);
  demo.kill("SIGINT");
  expect(await demo.exited).toBe(0);
  await logs.drained;
  out = logs.output();
  expect(out).not.toContain("WARN");
  expect(out).not.toContain("ERROR");
  // The last line on stdout: stderr holds only `bun run`'s own echo of the command, written first.
  expect(logs.stdout().trimEnd().split("\n").at(-1)).toContain("stopped");
}, 200_000);
