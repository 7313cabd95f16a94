// Binds the pure payout planner to the pool's key: payees and spendable outputs in, signed transactions out,
// each as the exact JSON text to store and submit. The key lives only in this closure.

import { stringifyJson } from "../common/json.ts";
import { hexToBytes } from "../common/hex.ts";
import type { Config } from "../config/types.ts";
import { transactionId } from "../kaspa/tx/index.ts";
import type { PoolUtxo } from "../treasury/holdings.ts";
import { submitTransactionParams } from "../treasury/build.ts";
import { feeratePerKg } from "../treasury/fee.ts";
import { planPayouts, type Payee } from "../treasury/plan.ts";
import { signPayout } from "../treasury/sign.ts";

export interface SignedPayout {
  txid: string;
  /** The signed transaction as the node's RPC JSON text. */
  transaction: string;
  fee: bigint;
  inputs: { outpoint: string; amount: bigint }[];
  payees: Payee[];
}

/** Plans and signs the payouts of `payees` from `utxos` at `feerate` sompi/gram (the node's normal estimate). */
export type PayoutPlanner = (payees: Payee[], utxos: PoolUtxo[], feerate: number) => SignedPayout[];

export function makePlanner(keyHex: string, config: Pick<Config, "treasury">): PayoutPlanner {
  const key = hexToBytes(keyHex.trim().replace(/^0x/, ""));
  return (payees, utxos, feerate) => {
    const plan = planPayouts({
      payees, changeAddress: config.treasury.address, feePerKg: feeratePerKg(feerate),
      utxos: utxos.map((u) => ({
        outpoint: { transactionId: u.transactionId, index: u.index },
        entry: { amount: u.amount, scriptPublicKey: u.scriptPublicKey, blockDaaScore: u.blockDaaScore, isCoinbase: u.isCoinbase },
      })),
    });
    return plan.payouts.map((p) => {
      const signed = signPayout(p.tx, p.inputs.map((i) => i.entry), key);
      return {
        txid: transactionId(signed),
        transaction: stringifyJson(submitTransactionParams(signed).transaction),
        fee: p.fee,
        inputs: p.inputs.map((i) => ({ outpoint: `${i.outpoint.transactionId}:${i.outpoint.index}`, amount: i.entry.amount })),
        payees: p.payees,
      };
    });
  };
}
