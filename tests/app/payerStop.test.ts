// `bun run index.ts payer` stopped as an operator stops it: Ctrl-C in a terminal reaches it twice (through `bun
// run`), a container gets SIGTERM. Either way it finishes its cycle, exits 0 and says "stopped" last.

import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex } from "../../src/common/hex.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { collectOutput } from "../common/output.ts";
import { scratch } from "../common/scratch.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { TREASURY_KEY } from "../treasury/fixtures.ts";

const tmp = scratch("payerstop");

const backend = await createPostgresDatabase("payerstop");
if (backend) tmp.defer(() => backend.drop());

for (const signals of [["SIGINT", "SIGINT"], ["SIGTERM"]] as const) {
  test.skipIf(!backend)(`${signals.join(" then ")}: the payer exits 0 and its last line says it stopped`, async () => {
    const devnet = await startDevnet({ port: 0, maturity: 5 });
    tmp.defer(() => devnet.stop());
    const db = await openDatabase(backend!); // migrated, as the pool leaves it
    await db.close();
    const file = join(tmp.dir, `config-${signals.length}.json`);
    writeFileSync(file, JSON.stringify({ network: "devnet", node: { urls: [devnet.url] }, treasury: { coinbaseMaturity: 5 }, payments: { intervalMinutes: 0.01, thresholdKas: 1 } }));
    const payer = Bun.spawn(["bun", "run", "index.ts", "payer", "--config", file], {
      env: { ...process.env, DATABASE_URL: backend!.url!, TREASURY_PRIVATE_KEY: bytesToHex(TREASURY_KEY), DEBUG: "", LOG_FORMAT: "text" },
      stdout: "pipe", stderr: "pipe",
    });
    tmp.defer(() => payer.kill("SIGKILL"));
    const output = collectOutput(payer);
    await output.waitFor(/payer running/, 60_000);
    expect(output.stdout()).toContain("payer running");

    for (const signal of signals) {
      payer.kill(signal);
      await Bun.sleep(20);
    }
    expect(await payer.exited).toBe(0);
    await output.drained;
    expect(output.stderr()).not.toContain("WARN");
    expect(output.stderr()).not.toContain("    at ");
    expect(output.stdout().trimEnd().split("\n").at(-1)).toMatch(/INFO  \[kaspool\] payer stopped$/);
  }, 90_000);
}
