// RpcTransaction in and out (rusty-kaspa rpc/core/src/model/tx.rs, convert/tx.rs): shape errors are the generic
// deserialization error, version/commitment mismatches are the converter's texts; outgoing transactions carry every
// field the node serializes, in its order.

import { parseTransaction, type Transaction } from "../kaspa/tx/index.ts";
import { BadParams, RpcError } from "./errors.ts";

export function parseRpcTransaction(json: unknown): Transaction {
  let tx: Transaction;
  try {
    tx = parseTransaction(json);
  } catch (err) {
    throw new BadParams(err instanceof Error ? err.message : "bad transaction");
  }
  const raw = json as Record<string, unknown>;
  const hasStorageMass = raw.storageMass !== undefined && raw.storageMass !== null;
  const hasMass = raw.mass !== undefined && raw.mass !== null;
  if (!hasStorageMass && !hasMass) throw new BadParams("Either storageMass or mass must be provided");
  if (hasStorageMass && hasMass && String(raw.storageMass) !== String(raw.mass)) throw new BadParams("storageMass and mass must match when both are provided");
  for (const input of tx.inputs) {
    if (tx.version === 0 && (input.computeBudget ?? 0) !== 0) throw new RpcError("RpcTransactionInput.compute_budget is inconsistent with transaction version 0");
    if (tx.version >= 1 && input.sigOpCount !== 0) throw new RpcError(`RpcTransactionInput.sig_op_count is inconsistent with transaction version ${tx.version}`);
  }
  return tx;
}

/** The transaction as the node serializes it back (e.g. submitTransactionReplacement's replacedTransaction), with
 * the storage mass the mempool computed in both storageMass and the deprecated mass. */
export function rpcTransactionJson(tx: Transaction, storageMass: bigint): Record<string, unknown> {
  return {
    version: tx.version,
    inputs: tx.inputs.map((i) => ({
      previousOutpoint: i.previousOutpoint, signatureScript: i.signatureScript, sequence: i.sequence,
      sigOpCount: i.sigOpCount, computeBudget: i.computeBudget ?? 0, verboseData: null,
    })),
    outputs: tx.outputs.map((o) => ({ value: o.value, scriptPublicKey: o.scriptPublicKey, verboseData: null, covenant: o.covenant ?? null })),
    lockTime: tx.lockTime, subnetworkId: tx.subnetworkId, gas: tx.gas, payload: tx.payload,
    storageMass, mass: storageMass, verboseData: null,
  };
}
