// Payout planning: payees and spendable UTXOs in, transactions out, each within every mass limit. Pure and
// deterministic: the same request always gives the same plan, whatever order the node listed the UTXOs in.

import { addressToScriptPublicKey } from "../kaspa/address.ts";
import type { Mass, Transaction, TxOutput } from "../kaspa/tx/index.ts";
import { isP2pk, unsignedPayout, type SpendableUtxo } from "./build.ts";
import { MAX_PAYOUT_TX_MASS, withinMassLimits } from "./fee.ts";
import { settle, type Settled } from "./settle.ts";
import { minimumOutputSompi } from "./threshold.ts";

export interface Payee {
  address: string;
  /** The wallet's whole balance, paid in one output. */
  amount: bigint;
}

export interface PlanRequest {
  /** In the order they should be served: a payee that does not fit waits for the next run, later ones may fit. */
  payees: readonly Payee[];
  /** Only UTXOs the treasury may spend now (mature coinbase, confirmed change), all paying `changeAddress`. */
  utxos: readonly SpendableUtxo[];
  changeAddress: string;
  /** Sompi per 1000 grams (feeratePerKg of the node's normal estimate); floored at the minimum relay feerate. */
  feePerKg: bigint;
}

export interface PlannedPayout {
  /** The outpoints to lock for this transaction, in input order, with the entries its signatures commit to. */
  inputs: SpendableUtxo[];
  payees: Payee[];
  /** Sent back to the change address as the last output; 0n when folded into the fee. */
  change: bigint;
  fee: bigint;
  /** The mass of the signed transaction (signature scripts have a fixed length). */
  mass: Mass;
  /** Unsigned (empty signature scripts); signPayout turns it into the bytes to submit. */
  tx: Transaction;
}

export type UnpaidReason = "belowMinimum" | "insufficientFunds" | "massLimit";

export interface Plan {
  payouts: PlannedPayout[];
  unpaid: Array<{ payee: Payee; reason: UnpaidReason }>;
}

interface Draft {
  inputs: SpendableUtxo[];
  payees: Array<Payee & { scriptPublicKey: string }>;
  settled: Settled | null;
}

const emptyDraft = (): Draft => ({ inputs: [], payees: [], settled: null });

/** Largest first, so a payout needs few inputs; ties by outpoint, so the plan does not depend on the listing order. */
function byAmountThenOutpoint(a: SpendableUtxo, b: SpendableUtxo): number {
  if (a.entry.amount !== b.entry.amount) return a.entry.amount > b.entry.amount ? -1 : 1;
  if (a.outpoint.transactionId !== b.outpoint.transactionId) return a.outpoint.transactionId < b.outpoint.transactionId ? -1 : 1;
  return a.outpoint.index - b.outpoint.index;
}

function checkRequest(req: PlanRequest, changeSpk: string): void {
  if (!isP2pk(changeSpk)) throw new Error(`change address ${req.changeAddress} is not a pay-to-public-key (Schnorr) address`);
  const outpoints = new Set<string>();
  for (const u of req.utxos) {
    const key = `${u.outpoint.transactionId}:${u.outpoint.index}`;
    if (outpoints.has(key)) throw new Error(`UTXO ${key} is listed twice`);
    outpoints.add(key);
    if (u.entry.scriptPublicKey.toLowerCase() !== changeSpk) throw new Error(`UTXO ${key} does not pay the change address`);
    if (u.entry.amount <= 0n) throw new Error(`UTXO ${key} has no value`);
  }
  const addresses = new Set<string>();
  for (const p of req.payees) {
    if (addresses.has(p.address)) throw new Error(`payee ${p.address} is listed twice: a wallet is paid in one output`);
    addresses.add(p.address);
    if (p.amount <= 0n) throw new Error(`payee ${p.address} has amount ${p.amount}`);
  }
}

/** Greedy, one transaction at a time: each payee joins the open transaction, which takes more UTXOs while it cannot
 * pay, or while only its storage mass is over the limit (more inputs earn more KIP-9 credit). A payee that would
 * break a limit closes the transaction and starts the next one; one that cannot fit alone is left unpaid. */
export function planPayouts(req: PlanRequest): Plan {
  const changeSpk = addressToScriptPublicKey(req.changeAddress);
  checkRequest(req, changeSpk);
  const pool = [...req.utxos].sort(byAmountThenOutpoint);
  let taken = 0;
  const minimum = minimumOutputSompi();
  const payouts: PlannedPayout[] = [];
  const unpaid: Plan["unpaid"] = [];

  /** The draft with `payee` added, or why it cannot be; consumes pool UTXOs only when it succeeds. */
  const tryAdd = (draft: Draft, payee: Payee): Draft | UnpaidReason => {
    const payees = [...draft.payees, { ...payee, scriptPublicKey: addressToScriptPublicKey(payee.address) }];
    const outputs: TxOutput[] = payees.map((p) => ({ value: p.amount, scriptPublicKey: p.scriptPublicKey }));
    const inputs = [...draft.inputs];
    let next = taken;
    for (;;) {
      const s = settle(inputs, outputs, changeSpk, req.feePerKg);
      const short = "short" in s;
      if (!short && withinMassLimits(s.mass)) {
        taken = next;
        return { inputs, payees, settled: s };
      }
      // Another input raises compute and transient mass; it only helps when funds or storage mass are the problem.
      const { compute, transient } = s.mass;
      if (compute > MAX_PAYOUT_TX_MASS || transient > MAX_PAYOUT_TX_MASS) return "massLimit";
      if (next >= pool.length) return short ? "insufficientFunds" : "massLimit";
      inputs.push(pool[next++]!);
    }
  };

  const close = (draft: Draft) => {
    if (!draft.settled) return;
    const { outputs, change, fee, mass } = draft.settled;
    payouts.push({
      inputs: draft.inputs,
      payees: draft.payees.map(({ address, amount }) => ({ address, amount })),
      change, fee, mass,
      tx: unsignedPayout(draft.inputs, outputs),
    });
  };

  let draft = emptyDraft();
  for (const payee of req.payees) {
    if (payee.amount < minimum) {
      unpaid.push({ payee, reason: "belowMinimum" });
      continue;
    }
    let result = tryAdd(draft, payee);
    if (result === "massLimit" && draft.payees.length > 0) {
      close(draft);
      draft = emptyDraft();
      result = tryAdd(draft, payee);
    }
    if (typeof result === "string") unpaid.push({ payee, reason: result });
    else draft = result;
  }
  close(draft);
  return { payouts, unpaid };
}
