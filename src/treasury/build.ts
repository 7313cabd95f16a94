// Payout transactions as the node takes them: version 0, native subnetwork, P2PK inputs that commit one sig-op
// (node-rpc.md §7.2: v0 stays valid and standard after Toccata), and the wRPC JSON submitTransaction shape (§5.6).

import type { JsonObject } from "../common/json.ts";
import { SUBNETWORK_NATIVE, type Outpoint, type Transaction, type TxOutput, type UtxoEntry } from "../kaspa/tx/index.ts";

/** A UTXO the treasury may spend: mature coinbase or confirmed change, paying the treasury key's P2PK script. */
export interface SpendableUtxo {
  outpoint: Outpoint;
  entry: UtxoEntry;
}

/** OP_DATA_65 ‖ 64-byte Schnorr signature ‖ sighash type: every signed input's script has this length, so the
 * mass of a transaction signed later is known while planning it. */
const P2PK_SIGNATURE_SCRIPT_BYTES = 66;
const PLACEHOLDER_SIGNATURE_SCRIPT = "00".repeat(P2PK_SIGNATURE_SCRIPT_BYTES);
const P2PK_SCRIPT_PUBLIC_KEY = /^000020[0-9a-f]{64}ac$/;

export function isP2pk(spkHex: string): boolean {
  return P2PK_SCRIPT_PUBLIC_KEY.test(spkHex);
}

/** The unsigned transaction (empty signature scripts) spending `inputs` in order to `outputs` in order. */
export function unsignedPayout(inputs: readonly SpendableUtxo[], outputs: readonly TxOutput[]): Transaction {
  return {
    version: 0,
    inputs: inputs.map((u) => ({ previousOutpoint: { ...u.outpoint }, signatureScript: "", sequence: 0n, sigOpCount: 1 })),
    outputs: outputs.map((o) => ({ value: o.value, scriptPublicKey: o.scriptPublicKey })),
    lockTime: 0n,
    subnetworkId: SUBNETWORK_NATIVE,
    gas: 0n,
    payload: "",
  };
}

/** The same transaction with signature scripts of the signed length, for computing its mass before signing. */
export function withPlaceholderSignatures(tx: Transaction): Transaction {
  return { ...tx, inputs: tx.inputs.map((i) => ({ ...i, signatureScript: PLACEHOLDER_SIGNATURE_SCRIPT })) };
}

/** submitTransaction params for a signed transaction. u64 fields stay bigint: send them with stringifyJson.
 * storageMass is 0 because the node computes and overwrites it (node-rpc.md §5.6); it is in neither id nor sighash. */
export function submitTransactionParams(tx: Transaction): JsonObject {
  return {
    transaction: {
      version: tx.version,
      inputs: tx.inputs.map((i) => ({
        previousOutpoint: { transactionId: i.previousOutpoint.transactionId, index: i.previousOutpoint.index },
        signatureScript: i.signatureScript,
        sequence: i.sequence,
        sigOpCount: i.sigOpCount,
        verboseData: null,
      })),
      outputs: tx.outputs.map((o) => ({ value: o.value, scriptPublicKey: o.scriptPublicKey, verboseData: null })),
      lockTime: tx.lockTime,
      subnetworkId: tx.subnetworkId,
      gas: tx.gas,
      payload: tx.payload,
      storageMass: 0,
      verboseData: null,
    },
    allowOrphan: false,
  };
}
