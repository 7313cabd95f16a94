// Reads what the ledger says the pool wallet must hold, and reconciles it with what the watcher sees.

import type { Database } from "../db/database.ts";
import { ourTxids, pendingBatches, lockedOutpoints } from "../db/payments.ts";
import { classifyUtxo, reconcile, type PoolUtxo, type Reconciliation } from "./holdings.ts";

export interface WalletView {
  snapshot(): PoolUtxo[];
  has(outpoint: string): boolean;
  readonly virtualDaaScore: bigint;
}

/**
 * DAA scores (a minute at 10 BPS) after a coinbase output matures during which its block may not be credited yet:
 * the tracker asks the node every few seconds and counts confirmations by blue score, not by the output's DAA
 * score, so the output can look spendable a pass before its block is credited. Within it the reward is explained.
 */
const CREDIT_LAG_DAA = 600n;

export async function reconcileTreasury(db: Database, wallet: WalletView, maturity: bigint, margin: bigint): Promise<Reconciliation> {
  const [sums] = await db.query<{ balances: string; matured: string }>(
    `SELECT (SELECT coalesce(sum(balance), 0)::text FROM miners_balance) AS balances,
            (SELECT coalesce(sum(reward), 0)::text FROM blocks WHERE status = 'matured' AND mode = 'pplns') AS matured`);
  // A pending batch is still in the wallet until one of its inputs is spent; then it is on its way out.
  const inFlight = (await pendingBatches(db))
    .filter((b) => b.attempts.at(-1)!.inputs.every((i) => wallet.has(i.outpoint)))
    // The batch debited its first attempt's fee; a bump's extra is debited only if that bump is accepted.
    .reduce((sum, b) => sum + b.total + b.attempts[0]!.fee, 0n);
  const utxos = wallet.snapshot();
  const ours = await ourTxids(db, [...new Set(utxos.filter((u) => !u.isCoinbase).map((u) => u.transactionId))]);
  const kind = (u: PoolUtxo) => classifyUtxo(u, (t) => ours.has(t), wallet.virtualDaaScore, maturity, margin);
  const justMatured = utxos
    .filter((u) => kind(u) === "coinbase" && u.blockDaaScore + maturity + margin + CREDIT_LAG_DAA > wallet.virtualDaaScore)
    .reduce((sum, u) => sum + u.amount, 0n);
  return reconcile(utxos, kind, await lockedOutpoints(db), {
    balances: BigInt(sums!.balances), maturedUncredited: BigInt(sums!.matured) + justMatured, inFlight,
  });
}

const kas = (sompi: bigint) => `${sompi / 100_000_000n}.${(sompi % 100_000_000n).toString().padStart(8, "0")}`;

/** One line per figure, in KAS with every sompi shown. */
export function formatReconciliation(r: Reconciliation): string {
  return [
    `spendable ${kas(r.spendable)}`, `locked by payouts ${kas(r.locked)}`, `immature ${kas(r.immature)}`,
    `external deposits ${kas(r.external)}`, `owed ${kas(r.owed)}`, `deficit ${kas(r.deficit)}`, `unexplained surplus ${kas(r.surplus)}`,
  ].join("\n");
}
