// Only one payer may run against a database: two would plan from the same balances and UTXOs. On Postgres a
// session advisory lock on a connection of its own, so a crashed payer's lock goes with its connection; the embedded
// database can only be opened by one process, so there the lock is the process's own.

import pg from "pg";
import type { Logger } from "../common/log.ts";

const PAYER_LOCK_KEY = 0x6b6173706179; // "kaspay"
let embeddedHeld = false;

export interface PayerLock {
  /** False once the lock's connection is gone: the lock went with it, so no cycle may run until it is retaken. */
  held(): boolean;
  release(): Promise<void>;
}

/** Waits until the lock is ours, saying once why it waits; resolves null if `stopped` turns true first. */
export async function acquirePayerLock(url: string | null, log: Logger, stopped: () => boolean, retryMs = 5_000): Promise<PayerLock | null> {
  if (!url) {
    if (embeddedHeld) throw new Error("a payer is already running in this process");
    embeddedHeld = true;
    return { held: () => embeddedHeld, release: async () => void (embeddedHeld = false) };
  }
  let told = false;
  while (!stopped()) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let alive = true;
    client.on("error", (err) => {
      alive = false;
      log.warn("payer lock connection lost", { error: err.message });
    });
    client.on("end", () => (alive = false));
    try {
      await client.connect();
      const [row] = (await client.query("SELECT pg_try_advisory_lock($1) AS ok", [PAYER_LOCK_KEY])).rows;
      if (row?.ok) return { held: () => alive, release: () => client.end() };
      if (!told) log.warn("another payer holds the payout lock on this database; waiting for it to stop");
      told = true;
    } catch (err) {
      log.warn("cannot take the payout lock", { error: (err as Error).message });
    }
    await client.end().catch(() => {});
    await Bun.sleep(retryMs);
  }
  return null;
}
