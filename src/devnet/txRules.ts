// The consensus checks a mempool transaction passes before its UTXOs are looked at, in rusty-kaspa's order
// (consensus/src/processes/transaction_validator/tx_validation_in_isolation.rs, tx_validation_in_header_context.rs),
// each returning the TxRuleError text or null.

import { SUBNETWORK_COINBASE, SUBNETWORK_NATIVE, type Transaction } from "../kaspa/tx/index.ts";

/** 29 billion KAS, the consensus cap on any amount. */
export const MAX_SOMPI = 29_000_000_000n * 100_000_000n;
/** params.rs max_tx_inputs / max_tx_outputs. */
export const MAX_TX_INPUTS = 1000;
export const MAX_TX_OUTPUTS = 1000;
const TX_VERSION_TOCCATA = 1;
/** Below this a lock time is a DAA score, from it on a timestamp in milliseconds (constants.rs LOCK_TIME_THRESHOLD). */
const LOCK_TIME_THRESHOLD = 500_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
const SEQUENCE_LOCK_TIME_DISABLED = 1n << 63n;
const SEQUENCE_LOCK_TIME_MASK = 0x00000000ffffffffn;
const SYSTEM_TAIL = "0".repeat(38);
const LANE_TAIL = "0".repeat(32);

/** calculate_transaction_non_contextual_masses' precondition (consensus/mod.rs): input and output counts. */
export function checkCounts(tx: Transaction): string | null {
  if (tx.subnetworkId === SUBNETWORK_COINBASE) return null;
  if (tx.inputs.length > MAX_TX_INPUTS) return `transaction has ${tx.inputs.length} inputs where the max allowed is ${MAX_TX_INPUTS}`;
  if (tx.outputs.length > MAX_TX_OUTPUTS) return `transaction has ${tx.outputs.length} outputs where the max allowed is ${MAX_TX_OUTPUTS}`;
  return null;
}

/** validate_tx_in_isolation. Count and script-length checks are shadowed by checkCounts and the mass limits. */
export function checkInIsolation(tx: Transaction): string | null {
  const coinbase = tx.subnetworkId === SUBNETWORK_COINBASE;
  if (!coinbase && tx.inputs.length === 0) return "transaction has no inputs";
  if (coinbase && tx.inputs.length > 0) return `coinbase transaction has ${tx.inputs.length} inputs while none are expected`;
  let total = 0n;
  for (const [i, o] of tx.outputs.entries()) {
    if (o.value === 0n) return `transaction output ${i} has zero value`;
    if (o.value > MAX_SOMPI) return `transaction output ${i} value is higher than the max allowed of ${MAX_SOMPI}`;
    total += o.value;
    if (total > MAX_SOMPI) return `transaction total outputs value is higher than the max allowed of ${MAX_SOMPI}`;
  }
  const outpoints = new Set(tx.inputs.map((i) => `${i.previousOutpoint.transactionId}:${i.previousOutpoint.index}`));
  if (outpoints.size !== tx.inputs.length) return "transaction has duplicate inputs";
  const system = tx.subnetworkId.slice(2) === SYSTEM_TAIL;
  if (tx.gas !== 0n) {
    if (tx.version < TX_VERSION_TOCCATA) return "transaction has non-zero gas: gas is only allowed for Toccata-or-newer tx versions";
    if (system) return "transaction has non-zero gas: native / system subnetworks must use zero gas";
  }
  const allowedSubnetwork = system
    ? tx.subnetworkId === SUBNETWORK_NATIVE || coinbase
    : tx.version >= TX_VERSION_TOCCATA && tx.subnetworkId.slice(8) === LANE_TAIL;
  if (!allowedSubnetwork) return `transaction subnetwork id ${tx.subnetworkId} is neither native nor coinbase`;
  if (tx.version > TX_VERSION_TOCCATA) return `transaction version ${tx.version} is unknown`;
  if (tx.version === 0) {
    const bound = tx.outputs.findIndex((o) => o.covenant);
    if (bound >= 0) return `transaction output #${bound} has covenant field but transaction version is 0`;
  }
  return null;
}

/** check_tx_is_finalized: a lock time not yet passed holds the transaction unless every input's sequence is final. */
export function checkFinalized(tx: Transaction, daaScore: bigint, pastMedianTime: bigint): string | null {
  if (tx.lockTime === 0n) return null;
  const now = tx.lockTime < LOCK_TIME_THRESHOLD ? daaScore : pastMedianTime;
  if (tx.lockTime < now) return null;
  const open = tx.inputs.findIndex((i) => i.sequence !== U64_MAX);
  return open >= 0 ? `transaction input #${open} is not finalized` : null;
}

/** check_sequence_lock: a relative lock (in DAA score) counts from the spent UTXO's score; the node's i64 arithmetic
 * makes a mempool parent's UNACCEPTED_DAA_SCORE wrap to -1, so chained spends pass. */
export function checkSequenceLocks(tx: Transaction, blockDaaScores: bigint[], povDaaScore: bigint): string | null {
  const locked = tx.inputs.some((input, i) => {
    if ((input.sequence & SEQUENCE_LOCK_TIME_DISABLED) === SEQUENCE_LOCK_TIME_DISABLED) return false;
    const lockDaaScore = BigInt.asIntN(64, blockDaaScores[i]!) + (input.sequence & SEQUENCE_LOCK_TIME_MASK) - 1n;
    return lockDaaScore >= povDaaScore;
  });
  return locked ? "one of the transaction sequence locks conditions was not met" : null;
}
