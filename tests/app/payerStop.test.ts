// `bun run index.ts payer` stopped as an operator stops it: Ctrl-C in a terminal reaches it twice (through `bun
// run`), a container gets SIGTERM. Either way it finishes its cycle, exits 0 and says "stopped" last.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { TREASURY_KEY } from "../treasury/fixtures.ts";

const tmp = mkdtempSync(join(tmpdir(), "kaspool-payerstop-"));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
});

const backend = await createPostgresDatabase("payerstop");
if (backend) cleanups.push(() => backend.drop());

for (const signals of [["SIGINT", "SIGINT"], ["SIGTERM"]] as const) {
  test.skipIf(!backend)(`${signals.join(" then ")}: the payer exits 0 and its last line says it stopped`, async () => {
    const devnet = await startDevnet({ port: 0, maturity: 5 });
    cleanups.push(() => devnet.stop());
    const db = await openDatabase(backend!); // migrated, as the pool leaves it
    await db.close();
    const file = join(tmp, `config-${signals.length}.json`);
    writeFileSync(file, JSON.stringify({ network: "devnet", node: { urls: [devnet.url] }, treasury: { coinbaseMaturity: 5 }, payments: { intervalMinutes: 0.01, thresholdKas: 1 } }));
    const payer = Bun.spawn(["bun", "run", "index.ts", "payer", "--config", file], {
      env: { ...process.env, DATABASE_URL: backend!.url!, TREASURY_PRIVATE_KEY: bytesToHex(TREASURY_KEY), DEBUG: "", LOG_FORMAT: "text" },
      stdout: "pipe", stderr: "pipe",
    });
    cleanups.push(async () => void payer.kill("SIGKILL"));
    let out = "";
    const reading = (async () => {
      for await (const chunk of payer.stdout) out += new TextDecoder().decode(chunk);
    })();
    const deadline = Date.now() + 60_000;
    while (!out.includes("payer running") && Date.now() < deadline && payer.exitCode === null) await Bun.sleep(50);
    expect(out).toContain("payer running");

    for (const signal of signals) {
      payer.kill(signal);
      await Bun.sleep(20);
    }
    expect(await payer.exited).toBe(0);
    await reading;
    const stderr = await new Response(payer.stderr).text();
    expect(stderr).not.toContain("WARN");
    expect(stderr).not.toContain("    at ");
    expect(out.trimEnd().split("\n").at(-1)).toMatch(/INFO  \[kaspool\] payer stopped$/);
  }, 90_000);
}
