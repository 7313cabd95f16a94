// Who is due a payout: every wallet whose whole unpaid balance (all its workers) reaches its threshold. Pure.

import type { WalletBalance } from "../db/payments.ts";

export interface Payee {
  wallet: string;
  amount: bigint;
}

/**
 * The threshold is the larger of the pool's (already at least the smallest output the node accepts) and the
 * wallet's own pl= value: a miner may wait for bigger payouts, never force smaller ones.
 */
export function payees(balances: readonly WalletBalance[], poolThreshold: bigint): { payee: Payee; workers: WalletBalance["workers"] }[] {
  return balances
    .filter((b) => b.total >= (b.threshold !== null && b.threshold > poolThreshold ? b.threshold : poolThreshold))
    .map((b) => ({ payee: { wallet: b.wallet, amount: b.total }, workers: b.workers }));
}
