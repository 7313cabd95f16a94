// Transaction masses and the minimum relay fee (node-rpc.md §8; rusty-kaspa consensus/core/src/mass/mod.rs,
// mining/src/mempool/check_transaction_standard.rs).

import { U64_MAX } from "../../common/json.ts";
import { SUBNETWORK_COINBASE, type Transaction, type TxOutput, type UtxoEntry } from "./types.ts";

const MASS_PER_TX_BYTE = 1n;
const MASS_PER_SCRIPT_PUBLIC_KEY_BYTE = 10n;
const MASS_PER_SIG_OP = 1000n;
const MASS_PER_COMPUTE_BUDGET_UNIT = 100n;
const TRANSIENT_BYTE_TO_MASS_FACTOR = 4n;
/** KIP-9 storage mass parameter C = SOMPI_PER_KASPA · 10,000. */
export const STORAGE_MASS_PARAMETER = 10n ** 12n;
/** Minimum relay fee in sompi per 1000 grams (post-Toccata default). */
const MINIMUM_RELAY_FEE_PER_KG = 100_000n;
const MAX_SOMPI = 29_000_000_000n * 100_000_000n;
const UTXO_FIXED_BYTES = 63;
const UTXO_UNIT_BYTES = 100;

export interface Mass {
  compute: bigint;
  storage: bigint;
  transient: bigint;
}

const byteLength = (hex: string) => BigInt(hex.length / 2);
/** Script bytes of an RPC script public key (its hex starts with the 2-byte version). */
const scriptLength = (spkHex: string) => BigInt(spkHex.length / 2 - 2);

function estimatedSize(tx: Transaction): bigint {
  let size = 2n + 8n;
  for (const input of tx.inputs) size += 32n + 4n + 8n + byteLength(input.signatureScript) + 8n + (tx.version >= 1 ? 2n : 0n);
  size += 8n;
  for (const output of tx.outputs) size += 8n + 2n + 8n + scriptLength(output.scriptPublicKey) + (output.covenant ? 2n + 32n : 0n);
  return size + 8n + 20n + 8n + 32n + 8n + byteLength(tx.payload);
}

/** How many 100-byte storage units a UTXO occupies; 1 for every standard script. */
function plurality(spkHex: string, hasCovenant: boolean): bigint {
  const bytes = UTXO_FIXED_BYTES + spkHex.length / 2 - 2 + (hasCovenant ? 32 : 0);
  return BigInt(Math.ceil(bytes / UTXO_UNIT_BYTES));
}

/** Generalised KIP-9 storage mass: C·(Σ p²/output) minus the inputs' credit, saturating at 0. */
function storageMass(tx: Transaction, utxos: UtxoEntry[]): bigint {
  const outs = tx.outputs.map((o: TxOutput) => ({ p: plurality(o.scriptPublicKey, !!o.covenant), amount: o.value }));
  const ins = utxos.map((u) => ({ p: plurality(u.scriptPublicKey, false), amount: u.amount }));
  let outsPlurality = 0n;
  let harmonicOuts = 0n;
  for (const o of outs) {
    if (o.amount === 0n) throw new Error("storage mass: an output has value 0");
    outsPlurality += o.p;
    harmonicOuts += (STORAGE_MASS_PARAMETER * o.p * o.p) / o.amount;
  }
  if (harmonicOuts > U64_MAX) throw new Error("storage mass overflows u64");
  const insPlurality = ins.reduce((n, i) => n + i.p, 0n);
  const relaxed = outsPlurality === 1n || (ins.length <= 2 && (insPlurality === 1n || (outsPlurality === 2n && insPlurality === 2n)));
  if (relaxed) {
    let harmonicIns = 0n;
    for (const i of ins) {
      if (i.amount === 0n) throw new Error("storage mass: a spent UTXO has amount 0");
      harmonicIns += (STORAGE_MASS_PARAMETER * i.p * i.p) / i.amount;
    }
    return harmonicOuts > harmonicIns ? harmonicOuts - harmonicIns : 0n;
  }
  if (insPlurality === 0n) return harmonicOuts;
  const sumIns = ins.reduce((n, i) => n + i.amount, 0n);
  let meanIns = sumIns / insPlurality;
  if (meanIns < 1n) meanIns = 1n;
  let arithmeticIns = insPlurality * (STORAGE_MASS_PARAMETER / meanIns);
  if (arithmeticIns > U64_MAX) arithmeticIns = U64_MAX;
  return harmonicOuts > arithmeticIns ? harmonicOuts - arithmeticIns : 0n;
}

/** Compute and transient mass, which need no UTXO context (mass/mod.rs calc_non_contextual_masses); zero for a coinbase. */
export function nonContextualMass(tx: Transaction): { compute: bigint; transient: bigint } {
  if (tx.subnetworkId === SUBNETWORK_COINBASE) return { compute: 0n, transient: 0n };
  const size = estimatedSize(tx);
  const scriptPublicKeyBytes = tx.outputs.reduce((n, o) => n + 2n + scriptLength(o.scriptPublicKey), 0n);
  const scriptMass = tx.version >= 1
    ? tx.inputs.reduce((n, i) => n + BigInt(i.computeBudget ?? 0), 0n) * MASS_PER_COMPUTE_BUDGET_UNIT
    : tx.inputs.reduce((n, i) => n + BigInt(i.sigOpCount), 0n) * MASS_PER_SIG_OP;
  return {
    compute: size * MASS_PER_TX_BYTE + scriptPublicKeyBytes * MASS_PER_SCRIPT_PUBLIC_KEY_BYTE + scriptMass,
    transient: size * TRANSIENT_BYTE_TO_MASS_FACTOR,
  };
}

/** Compute, storage and transient mass; all zero for a coinbase. `utxos` are the entries the inputs spend. */
export function computeMass(tx: Transaction, utxos: UtxoEntry[]): Mass {
  if (tx.subnetworkId === SUBNETWORK_COINBASE) return { compute: 0n, storage: 0n, transient: 0n };
  if (utxos.length !== tx.inputs.length) throw new RangeError(`${tx.inputs.length} inputs but ${utxos.length} UTXO entries`);
  const { compute, transient } = nonContextualMass(tx);
  return { compute, storage: storageMass(tx, utxos), transient };
}

/** The node's minimum relay fee: 100 sompi per gram of max(compute, transient normalised to the compute limit
 * = transient/2, rounded up); storage mass does not count here. */
export function minimumFee(mass: { compute: bigint; transient: bigint }): bigint {
  const normalizedTransient = (mass.transient + 1n) / 2n;
  const feeMass = mass.compute > normalizedTransient ? mass.compute : normalizedTransient;
  const fee = (feeMass * MINIMUM_RELAY_FEE_PER_KG) / 1000n;
  if (fee === 0n) return MINIMUM_RELAY_FEE_PER_KG;
  return fee < MAX_SOMPI ? fee : MAX_SOMPI;
}
