// Who is due a payout: every wallet whose whole unpaid balance (all its workers) reaches its threshold. Pure.

import type { WalletBalance } from "../db/payments.ts";
import type { Payee } from "../treasury/plan.ts";
import { payoutThreshold } from "../treasury/threshold.ts";

/**
 * Wallets at or over max(payments.thresholdKas, their own pl= value, the smallest output the node accepts). A miner
 * mining to the pool's own address is never paid: its balance already sits in the pool wallet.
 */
export function duePayees(balances: readonly WalletBalance[], thresholdKas: number, poolWallet: string): { payee: Payee; workers: WalletBalance["workers"] }[] {
  return balances
    .filter((b) => b.wallet !== poolWallet && b.total >= payoutThreshold(thresholdKas, b.threshold))
    .map((b) => ({ payee: { address: b.wallet, amount: b.total }, workers: b.workers }));
}
