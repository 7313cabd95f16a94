// The pool's accounting in process against a devnet, wired as the pool wires it (node client, block submitter,
// database, accounting), and the waits the end-to-end pool tests share. Tests put stratum and miners on top and
// stop those before the stack.

import { silentLogger } from "../../src/common/log.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema, type ConfigInput } from "../../src/config/schema.ts";
import type { Config } from "../../src/config/types.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { startDevnet, type Devnet, type DevnetOptions } from "../../src/devnet/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { startPoolAccounting, type PoolAccounting } from "../../src/pool/index.ts";
import type { TestBackend } from "../db/backends.ts";

export interface AccountingStack {
  devnet: Devnet;
  node: NodeClient;
  submitter: BlockSubmitter;
  config: Config;
  db: Database;
  accounting: PoolAccounting;
  /** Stops what startAccountingStack started, last started first. */
  stop(): Promise<void>;
}

export async function startAccountingStack(o: {
  backend: TestBackend;
  devnet: DevnetOptions;
  /** Over the defaults, with node.urls set to the devnet. */
  config: Partial<Omit<ConfigInput, "node">>;
  spoolPath: string;
}): Promise<AccountingStack> {
  const devnet = await startDevnet({ ...o.devnet, port: 0, log: silentLogger });
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000 });
  const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000 });
  node.start();
  submitter.start();
  const config = configSchema.parse({ ...defaults, node: { urls: [devnet.url], requestTimeoutMs: 3_000 }, ...o.config });
  const db = await openDatabase(o.backend);
  const accounting = await startPoolAccounting({ db, node, config, log: silentLogger, spoolPath: o.spoolPath, pollMs: 100 });
  return {
    devnet, node, submitter, config, db, accounting,
    async stop() {
      await accounting.stop();
      await submitter.close();
      await node.close();
      await devnet.stop();
      await db.close();
    },
  };
}

export const countBlocks = async (db: Database) =>
  Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM blocks"))[0]!.n);

/** Polls until `db` holds `wanted` blocks or `ms` passed; the test asserts on what it then finds. */
export async function untilBlocks(db: Database, wanted: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await countBlocks(db)) < wanted && Date.now() < deadline) await Bun.sleep(200);
}

/** Runs tracking passes until no block is left confirming or matured, or 15 s passed. */
export async function trackUntilSettled(accounting: Pick<PoolAccounting, "trackNow">, db: Database): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await accounting.trackNow();
    const open = await db.query("SELECT 1 FROM blocks WHERE status IN ('confirming', 'matured')");
    if (open.length === 0 || Date.now() > deadline) break;
    await Bun.sleep(100);
  }
}
