// Binds the pure payout planner to the pool's key: payees and spendable outputs in, signed transactions out,
// each as the exact JSON text to store and submit. The key lives only in this closure.

import { hexToBytes } from "../common/hex.ts";
import { parseJson, stringifyJson } from "../common/json.ts";
import type { Config } from "../config/types.ts";
import type { AttemptRecord } from "../db/payments.ts";
import { addressToScriptPublicKey, scriptPublicKeyToAddress } from "../kaspa/address.ts";
import { parseTransaction, transactionId, type Transaction } from "../kaspa/tx/index.ts";
import { submitTransactionParams, unsignedPayout, type SpendableUtxo } from "../treasury/build.ts";
import { feeratePerKg } from "../treasury/fee.ts";
import type { PoolUtxo } from "../treasury/holdings.ts";
import { planPayouts, type Payee } from "../treasury/plan.ts";
import { settle } from "../treasury/settle.ts";
import { signPayout } from "../treasury/sign.ts";

export interface SignedPayout {
  txid: string;
  /** The signed transaction as the node's RPC JSON text. */
  transaction: string;
  fee: bigint;
  inputs: { outpoint: string; amount: bigint }[];
  payees: Payee[];
}

export interface PayoutSigner {
  /** Plans and signs the payouts of `payees` from `utxos` at `feerate` sompi/gram (the node's normal estimate). */
  plan(payees: Payee[], utxos: PoolUtxo[], feerate: number): SignedPayout[];
  /**
   * The same payout at `feerate`: the same inputs and payee outputs, only the change smaller, so it conflicts with
   * every earlier attempt and at most one of them can be accepted. Null when it would not pay a higher fee.
   */
  bump(attempt: AttemptRecord, feerate: number): SignedPayout | null;
}

export function makeSigner(keyHex: string, config: Pick<Config, "treasury">): PayoutSigner {
  const key = hexToBytes(keyHex.trim().replace(/^0x/, ""));
  const poolSpk = addressToScriptPublicKey(config.treasury.address);
  const prefix = config.treasury.address.slice(0, config.treasury.address.indexOf(":"));
  const sign = (tx: Transaction, inputs: SpendableUtxo[], fee: bigint, payees: Payee[]): SignedPayout => {
    const signed = signPayout(tx, inputs.map((i) => i.entry), key);
    return {
      txid: transactionId(signed),
      transaction: stringifyJson(submitTransactionParams(signed).transaction),
      fee,
      inputs: inputs.map((i) => ({ outpoint: `${i.outpoint.transactionId}:${i.outpoint.index}`, amount: i.entry.amount })),
      payees,
    };
  };

  const plan = (payees: Payee[], utxos: PoolUtxo[], feerate: number) => {
    const planned = planPayouts({
      payees, changeAddress: config.treasury.address, feePerKg: feeratePerKg(feerate),
      utxos: utxos.map((u) => ({
        outpoint: { transactionId: u.transactionId, index: u.index },
        entry: { amount: u.amount, scriptPublicKey: u.scriptPublicKey, blockDaaScore: u.blockDaaScore, isCoinbase: u.isCoinbase },
      })),
    });
    return planned.payouts.map((p) => sign(p.tx, p.inputs, p.fee, p.payees));
  };

  const bump = (attempt: AttemptRecord, feerate: number): SignedPayout | null => {
    const tx = parseTransaction(parseJson(attempt.transaction));
    const amounts = new Map(attempt.inputs.map((i) => [i.outpoint, i.amount]));
    // Every input pays the pool's script; the sighash and the mass need only amount and script.
    const inputs: SpendableUtxo[] = tx.inputs.map(({ previousOutpoint: o }) => ({
      outpoint: o,
      entry: { amount: amounts.get(`${o.transactionId}:${o.index}`)!, scriptPublicKey: poolSpk, blockDaaScore: 0n, isCoinbase: false },
    }));
    // The pool never pays itself (duePayees leaves its address out), so the output to its script is the change.
    const payouts = tx.outputs.filter((o) => o.scriptPublicKey !== poolSpk);
    const settled = settle(inputs, payouts, poolSpk, feeratePerKg(feerate));
    if ("short" in settled || settled.fee <= attempt.fee) return null;
    const payees = payouts.map((o) => ({ address: scriptPublicKeyToAddress(o.scriptPublicKey, prefix)!, amount: o.value }));
    return sign(unsignedPayout(inputs, settled.outputs), inputs, settled.fee, payees);
  };

  return { plan, bump };
}
