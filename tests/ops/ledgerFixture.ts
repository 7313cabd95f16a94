// A database with something in every table a backup must keep: shares, a credited PPLNS block with its window,
// a solo block, balances, a paid batch, a pending batch with two attempts, a wallet setting, share history. Built with the
// pool's own repository functions, so it holds exactly what a running pool writes.

import type { Database } from "../../src/db/index.ts";
import { aggregatePoolMinutes } from "../../src/db/history.ts";
import { updateBlockProgress } from "../../src/db/blocks.ts";
import { insertAttempt, markAccepted, setPayoutThreshold, unpaidBalances, writeBatch } from "../../src/db/payments.ts";
import { insertShares, type StoredShare } from "../../src/db/shares.ts";
import { creditBlock } from "../../src/pool/credit.ts";
import { cutWindow, recordFoundBlock } from "../../src/pool/recordBlock.ts";
import type { FoundBlock } from "../../src/shares/types.ts";

export const POOL_WALLET = "kaspadev:pool";
const T0 = 1_800_000_000_000;

export async function makeLedger(db: Database): Promise<void> {
  let nonce = 0n;
  const share = (address: string, worker: string, difficulty: number, at: number, mode: "pplns" | "solo" = "pplns"): StoredShare => ({
    address, worker, mode, difficulty, jobId: "j1", nonce: ++nonce, timestamp: at, run: "backup-test",
  });
  await insertShares(db, [
    share("kaspadev:a", "rig1", 4, T0 - 400), share("kaspadev:b", "rig", 6, T0 - 300), share("kaspadev:a", "rig2", 10, T0 - 200),
    share("kaspadev:c", "solo", 50, T0 - 100, "solo"),
  ]);
  const block = (n: number, over: Partial<FoundBlock>): FoundBlock => ({
    hash: n.toString(16).padStart(64, "0"), address: "kaspadev:a", worker: "rig1", mode: "pplns", daaScore: 1_000n + BigInt(n),
    networkDifficulty: 10, accepted: true, rejectReason: null, foundAt: T0 + n, ...over,
  });
  const pplns = block(1, {});
  await recordFoundBlock(db, pplns);
  await updateBlockProgress(db, pplns.hash, { color: "blue", confirmations: 1000n, mergingBlockHash: pplns.hash },
    { status: "matured", reward: 2n ** 63n + 12_345n });
  await cutWindow(db, pplns.hash, 2);
  if ((await creditBlock(db, pplns.hash, 100n, POOL_WALLET)) !== "credited") throw new Error("fixture: block not credited");
  await recordFoundBlock(db, block(2, { mode: "solo", address: "kaspadev:c", worker: "solo" }));
  await recordFoundBlock(db, block(3, { accepted: false, rejectReason: "blockInvalid" }));

  await setPayoutThreshold(db, "kaspadev:b", 50_000_000_000n);
  const owed = await unpaidBalances(db);
  const wallet = (w: string) => owed.find((b) => b.wallet === w)!;
  const attempt = (txid: string, fee: bigint, outpoint: string) => ({
    txid: txid.padEnd(64, "0"), transaction: `{"id":"${txid}"}`, fee, inputs: [{ outpoint, amount: 2n ** 62n }],
  });
  const a = wallet("kaspadev:a");
  const paid = await writeBatch(db, { chainStart: "ab".repeat(32), poolWallet: POOL_WALLET, attempt: attempt("aa", 3_000n, "cb:0"), items: [{ wallet: a.wallet, amount: a.total, workers: a.workers }] });
  await markAccepted(db, paid, attempt("aa", 3_000n, "cb:0").txid, POOL_WALLET);
  const b = wallet("kaspadev:b");
  const pending = await writeBatch(db, { chainStart: "cd".repeat(32), poolWallet: POOL_WALLET, attempt: attempt("bb", 3_000n, "cb:1"), items: [{ wallet: b.wallet, amount: b.total, workers: b.workers }] });
  await insertAttempt(db, pending, 1, attempt("bc", 6_000n, "cb:1"));
  // The pool-wide minutes the API reads, summed from the shares' own history rows.
  await aggregatePoolMinutes(db, T0 - 3_600_000, T0 + 60_000);
}

/** Every row of every table (as JSON text, sorted) and every sequence position: equal snapshots, equal databases. */
export async function snapshot(db: Database): Promise<Record<string, string[]>> {
  const tables = await db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    // Names come from the catalog, quoted as identifiers.
    const rows = await db.query<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM "${name.replaceAll('"', '""')}" t ORDER BY 1`);
    out[name] = rows.map((r) => r.j);
  }
  const sequences = await db.query<{ s: string }>(
    "SELECT sequencename || '=' || coalesce(last_value::text, 'unused') AS s FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1");
  out["(sequences)"] = sequences.map((r) => r.s);
  return out;
}
