// Transaction acceptance as the node's mempool does it, in the node's order (rusty-kaspa
// mining/src/mempool/validate_and_insert_transaction.rs, then consensus UTXO-context validation, then the
// in-context standardness check), with the node's texts (mining/errors/src/mempool.rs, consensus/core/src/errors/tx.rs).
// Signatures are checked with src/kaspa/tx verifyInputSignature, independently of the payout signer.
// Queued transactions are accepted by the next chain block (commit).

import { scriptPublicKeyToAddress } from "../kaspa/address.ts";
import {
  computeMass, minimumFee, parseTransaction, transactionId, verifyInputSignature,
  type Transaction, type UtxoEntry as TxUtxoEntry,
} from "../kaspa/tx/index.ts";
import { BadParams, RpcError } from "./errors.ts";
import { ADDRESS_PREFIX } from "./network.ts";
import { outpointKey, type Outpoint, type UtxoDiff, type UtxoRecord, type UtxoSet } from "./utxo.ts";

/** 29 billion KAS, the consensus cap on any amount. */
const MAX_SOMPI = 29_000_000_000n * 100_000_000n;
/** Consensus block storage-mass limit, which the mempool applies per transaction (node-rpc.md §8). */
const MAX_STORAGE_MASS = 500_000n;
/** The node's daa score for outputs of transactions still in the mempool (constants::UNACCEPTED_DAA_SCORE). */
const UNACCEPTED_DAA_SCORE = (1n << 64n) - 1n;
/** How many accepted ids are remembered to answer "already accepted" for a resubmission. */
const ACCEPTED_IDS_KEPT = 100_000;
/** A pay-to-pubkey script has one OP_CHECKSIG: the sig-op count a version 0 input must commit to. */
const P2PK_SIG_OPS = 1;
/** Version 1 inputs pay for script execution with computeBudget instead (consensus/core/src/mass/units.rs,
 * node-rpc.md §7.3): a free allowance, 10,000 units per budget unit, 100,000 units per signature check, so a
 * P2PK spend needs a budget of at least 10 (what the node's own signer commits). */
const FREE_SCRIPT_UNITS = 9_999n;
const SCRIPT_UNITS_PER_BUDGET_UNIT = 10_000n;
const CHECKSIG_SCRIPT_UNITS = 100_000n;

interface PendingTx {
  id: string;
  tx: Transaction;
  /** Output records as they will enter the UTXO set, daa score filled in at commit. */
  outputs: { address: string; value: bigint; scriptPublicKey: string }[];
}

export interface MempoolOptions {
  utxos: UtxoSet;
  maturity: bigint;
  /** The virtual DAA score, against which coinbase maturity is judged. */
  daaScore: () => bigint;
}

export class Mempool {
  private readonly txs = new Map<string, PendingTx>();
  /** Outpoint key -> id of the mempool transaction spending it. */
  private readonly spentBy = new Map<string, string>();
  private readonly acceptedIds = new Set<string>();

  constructor(private readonly opts: MempoolOptions) {}

  size(): number {
    return this.txs.size;
  }

  /** Validates and queues a transaction; returns its id or throws the node's error. */
  submit(json: unknown): string {
    const tx = parseRpcTransaction(json);
    const id = transactionId(tx);
    const reject = (reason: string): never => {
      throw new RpcError(`Rejected transaction ${id}: ${reason}`);
    };
    const nonStandard = (reason: string): never => reject(`transaction ${id} is not standard: ${reason}`);

    if (this.acceptedIds.has(id)) reject(`transaction ${id} was already accepted by the consensus`);
    if (this.txs.has(id)) reject(`transaction ${id} is already in the mempool`);
    const outputs = tx.outputs.map((o, i) => {
      const address = scriptPublicKeyToAddress(o.scriptPublicKey, ADDRESS_PREFIX);
      return address ?? nonStandard(`transaction output #${i}: non-standard script form`);
    });
    const keys = tx.inputs.map((input) => outpointKey(input.previousOutpoint));
    keys.forEach((key, i) => {
      const spender = this.spentBy.get(key);
      if (spender) reject(`output ${showOutpoint(tx.inputs[i]!.previousOutpoint)} already spent by transaction ${spender} in the mempool`);
    });

    if (tx.inputs.length === 0) reject("transaction has no inputs");
    if (new Set(keys).size !== keys.length) reject("transaction has duplicate inputs");
    tx.outputs.forEach((o, i) => {
      if (o.value === 0n) reject(`transaction output ${i} has zero value`);
      if (o.value > MAX_SOMPI) reject(`transaction output ${i} value is higher than the max allowed of ${MAX_SOMPI}`);
    });

    const entries = tx.inputs.map((input) => this.entryFor(input.previousOutpoint) ?? reject(`transaction ${id} is an orphan where orphan is disallowed`));
    const daa = this.opts.daaScore();
    entries.forEach((e, i) => {
      if (e.isCoinbase && e.blockDaaScore + this.opts.maturity > daa) {
        reject(
          `one of the transaction inputs spends an immature UTXO: transaction input #${i} tried to spend coinbase outpoint ` +
            `${showOutpoint(tx.inputs[i]!.previousOutpoint)} with daa score of ${e.blockDaaScore}\n    while the merging block ` +
            `daa score is ${daa} and the coinbase maturity period of ${this.opts.maturity} hasn't passed yet`,
        );
      }
    });
    const totalIn = entries.reduce((s, e) => s + e.amount, 0n);
    const totalOut = tx.outputs.reduce((s, o) => s + o.value, 0n);
    if (totalOut > totalIn) reject(`transaction tries to spend ${totalOut} while its total inputs amount is ${totalIn}`);
    tx.inputs.forEach((input, i) => {
      if (tx.version === 0 && input.sigOpCount !== P2PK_SIG_OPS) {
        reject(`input ${i} sig op count is ${input.sigOpCount}, but the calculated value is ${P2PK_SIG_OPS}`);
      }
      const allowed = FREE_SCRIPT_UNITS + BigInt(input.computeBudget ?? 0) * SCRIPT_UNITS_PER_BUDGET_UNIT;
      if (tx.version >= 1 && allowed < CHECKSIG_SCRIPT_UNITS) {
        // Our wording: the script engine's exact text for an exhausted budget is not in the spec.
        reject(`failed to verify the signature script: input #${i} allows ${allowed} script units, OP_CHECKSIG needs ${CHECKSIG_SCRIPT_UNITS}`);
      }
    });
    tx.inputs.forEach((_, i) => {
      if (!verifyInputSignature(tx, i, entries)) reject("failed to verify the signature script: false stack entry at end of script execution");
    });

    const mass = computeMass(tx, entries);
    if (mass.storage > MAX_STORAGE_MASS) {
      nonStandard(`transaction mass in context (including storage mass) of ${mass.storage} is larger than max allowed size of ${MAX_STORAGE_MASS}`);
    }
    const fee = totalIn - totalOut;
    const required = minimumFee(mass);
    if (fee < required) nonStandard(`transaction has ${fee} fees which is under the required amount of ${required} for compute mass ${mass.compute}`);

    this.txs.set(id, {
      id, tx,
      outputs: tx.outputs.map((o, i) => ({ address: outputs[i]!, value: o.value, scriptPublicKey: o.scriptPublicKey })),
    });
    keys.forEach((k) => this.spentBy.set(k, id));
    return id;
  }

  /** A confirmed UTXO, or an output of a transaction waiting in the mempool (the node lets transactions chain). */
  private entryFor(outpoint: Outpoint): TxUtxoEntry | undefined {
    const confirmed = this.opts.utxos.get(outpoint);
    if (confirmed) return confirmed.utxoEntry;
    const output = this.txs.get(outpoint.transactionId)?.outputs[outpoint.index];
    if (!output) return undefined;
    return { amount: output.value, scriptPublicKey: output.scriptPublicKey, blockDaaScore: UNACCEPTED_DAA_SCORE, isCoinbase: false };
  }

  /** Moves every queued transaction, parents first, into the UTXO set as accepted by a chain block at `daaScore`;
   * an output created and spent within the same block shows in neither side of the diff. Returns the accepted ids. */
  commit(daaScore: bigint, diff: UtxoDiff): string[] {
    const ids = [...this.txs.keys()];
    for (const { id, tx, outputs } of this.txs.values()) {
      for (const input of tx.inputs) {
        const removed = this.opts.utxos.remove(input.previousOutpoint);
        if (!removed) continue;
        const sameBlock = diff.added.indexOf(removed);
        if (sameBlock >= 0) diff.added.splice(sameBlock, 1);
        else diff.removed.push(removed);
      }
      outputs.forEach((o, index) => {
        const record: UtxoRecord = {
          address: o.address,
          outpoint: { transactionId: id, index },
          utxoEntry: { amount: o.value, scriptPublicKey: o.scriptPublicKey, blockDaaScore: daaScore, isCoinbase: false, covenantId: null },
        };
        this.opts.utxos.add(record);
        diff.added.push(record);
      });
      this.acceptedIds.add(id);
      if (this.acceptedIds.size > ACCEPTED_IDS_KEPT) this.acceptedIds.delete(this.acceptedIds.values().next().value!);
    }
    this.txs.clear();
    this.spentBy.clear();
    return ids;
  }
}

const showOutpoint = (o: Outpoint) => `(${o.transactionId}, ${o.index})`;

/** The RpcTransaction as the node deserializes and converts it (rpc/core/src/model/tx.rs, convert/tx.rs):
 * shape errors are the generic deserialization error, version/commitment mismatches are the converter's texts. */
function parseRpcTransaction(json: unknown): Transaction {
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
