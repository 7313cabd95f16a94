// Fee and change of one payout transaction once its inputs and payee outputs are chosen.

import { computeMass, type Mass, type TxOutput } from "../kaspa/tx/index.ts";
import { unsignedPayout, withPlaceholderSignatures, type SpendableUtxo } from "./build.ts";
import { payoutFee } from "./fee.ts";
import { minimumOutputSompi } from "./threshold.ts";

export interface Settled {
  /** The payee outputs, then the change output when there is one. */
  outputs: TxOutput[];
  /** 0n when there is no change output. */
  change: bigint;
  fee: bigint;
  mass: Mass;
}

/** The inputs cannot pay the outputs and the fee of the transaction without change (whose mass this is). */
export interface Short {
  short: true;
  mass: Mass;
}

/** The change output's own storage mass shrinks as it grows, so a few rounds of change = rest − fee(change) settle
 * it; more than this means there is no fixed point worth a change output. */
const MAX_ROUNDS = 16;

function massOf(inputs: readonly SpendableUtxo[], outputs: readonly TxOutput[]): Mass {
  return computeMass(withPlaceholderSignatures(unsignedPayout(inputs, outputs)), inputs.map((u) => u.entry));
}

/** Short when the inputs cannot pay the outputs and the fee. Otherwise inputs = outputs + change + fee to the sompi,
 * fee = payoutFee(mass) of the transaction as it will be sent, except that a change too small to be a standard
 * output (below minimumOutputSompi, or with no fixed point) is left out and paid to the miners of the block as fee. */
export function settle(inputs: readonly SpendableUtxo[], payouts: readonly TxOutput[], changeSpk: string, perKg: bigint): Settled | Short {
  const rest = inputs.reduce((s, u) => s + u.entry.amount, 0n) - payouts.reduce((s, o) => s + o.value, 0n);
  const bare = massOf(inputs, payouts);
  const bareFee = payoutFee(bare, perKg);
  if (rest < bareFee) return { short: true, mass: bare };

  const minimumChange = minimumOutputSompi();
  let change = rest - bareFee;
  for (let round = 0; round < MAX_ROUNDS && change >= minimumChange; round++) {
    const outputs = [...payouts, { value: change, scriptPublicKey: changeSpk }];
    const mass = massOf(inputs, outputs);
    const fee = payoutFee(mass, perKg);
    if (rest - fee === change) return { outputs, change, fee, mass };
    change = rest - fee;
  }
  return { outputs: [...payouts], change: 0n, fee: rest, mass: bare };
}
