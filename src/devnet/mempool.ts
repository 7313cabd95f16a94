// Transaction acceptance as the node's mempool does it, in the node's order (rusty-kaspa
// mining/src/mempool/validate_and_insert_transaction.rs: non-contextual masses and limits, output standardness,
// the replace-by-fee constraint, then consensus validation in isolation, in header context and in UTXO context,
// then the contextual limits and standardness), with the node's texts (mining/errors/src/mempool.rs,
// consensus/core/src/errors/tx.rs). Scripts run in src/kaspa/tx checkInputScript, independently of the payout
// signer. Queued transactions are accepted by the next chain block (commit).

import { scriptPublicKeyToAddress } from "../kaspa/address.ts";
import {
  checkInputScript, computeMass, minimumFee, nonContextualMass, p2shSigOps, transactionId,
  type Transaction, type UtxoEntry as TxUtxoEntry,
} from "../kaspa/tx/index.ts";
import { hexToBytes } from "../common/hex.ts";
import { RpcError } from "./errors.ts";
import { ADDRESS_PREFIX } from "./network.ts";
import { parseRpcTransaction, rpcTransactionJson } from "./rpcTransaction.ts";
import { checkCounts, checkFinalized, checkInIsolation, checkSequenceLocks, MAX_SOMPI } from "./txRules.ts";
import { outpointKey, type Outpoint, type UtxoDiff, type UtxoRecord, type UtxoSet } from "./utxo.ts";

/** Consensus block mass limits, which the mempool applies per transaction (node-rpc.md §8). */
const MAX_COMPUTE_MASS = 500_000n;
const MAX_TRANSIENT_MASS = 1_000_000n;
const MAX_STORAGE_MASS = 500_000n;
/** DEFAULT_GAS_PER_LANE_LIMIT (config/constants.rs). */
const MAX_GAS_PER_LANE = 1_000_000_000n;
/** check_transaction_standard.rs MAX_STANDARD_P2SH_SIG_OPS. */
const MAX_STANDARD_P2SH_SIG_OPS = 15;
/** The node's daa score for outputs of transactions still in the mempool (constants::UNACCEPTED_DAA_SCORE). */
const UNACCEPTED_DAA_SCORE = (1n << 64n) - 1n;
/** How many accepted ids are remembered to answer "already accepted" for a resubmission. */
const ACCEPTED_IDS_KEPT = 100_000;
const P2SH = /^0000aa20[0-9a-f]{64}87$/;

interface PendingTx {
  id: string;
  tx: Transaction;
  /** Output records as they will enter the UTXO set, daa score filled in at commit. */
  outputs: { address: string; value: bigint; scriptPublicKey: string }[];
  storageMass: bigint;
  /** fee / max(storage, compute, transient / 2): what replace-by-fee compares (MutableTransaction::calculated_feerate). */
  feerate: number;
}

/** submitTransaction refuses any double spend; submitTransactionReplacement needs exactly one to replace (RbfPolicy). */
export type RbfPolicy = "forbidden" | "mandatory";

export interface MempoolOptions {
  utxos: UtxoSet;
  maturity: bigint;
  /** The virtual DAA score, against which coinbase maturity and lock times are judged. */
  daaScore: () => bigint;
  /** Virtual's past median time in milliseconds, against which time lock times are judged. */
  pastMedianTime: () => bigint;
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

  /** Forgets every queued transaction and accepted id, as a node restart does. */
  clear(): void {
    this.txs.clear();
    this.spentBy.clear();
    this.acceptedIds.clear();
  }

  /** Validates and queues a transaction; returns its id and, under "mandatory", the replaced transaction's RPC JSON. */
  submit(json: unknown, policy: RbfPolicy = "forbidden"): { id: string; replaced: Record<string, unknown> | null } {
    const tx = parseRpcTransaction(json);
    const id = transactionId(tx);
    const reject = (reason: string | null): never => {
      throw new RpcError(`Rejected transaction ${id}: ${reason}`);
    };
    const check = (reason: string | null) => void (reason !== null && reject(reason));
    const nonStandard = (reason: string): never => reject(`transaction ${id} is not standard: ${reason}`);

    if (this.acceptedIds.has(id)) reject(`transaction ${id} was already accepted by the consensus`);
    if (this.txs.has(id)) reject(`transaction ${id} is already in the mempool`);
    check(checkCounts(tx));
    const { compute, transient } = nonContextualMass(tx);
    if (tx.gas > MAX_GAS_PER_LANE) reject(`transaction gas of ${tx.gas} is larger than max allowed per-lane gas of ${MAX_GAS_PER_LANE}`);
    if (compute > MAX_COMPUTE_MASS) reject(`transaction compute mass of ${compute} is larger than max allowed size of ${MAX_COMPUTE_MASS}`);
    if (transient > MAX_TRANSIENT_MASS) reject(`transaction transient (storage) mass of ${transient} is larger than max allowed size of ${MAX_TRANSIENT_MASS}`);
    const outputs = tx.outputs.map((o, i) => {
      if (!o.scriptPublicKey.startsWith("0000")) nonStandard(`transaction output #${i}: the version of the scriptPublicKey is higher than the known version`);
      return scriptPublicKeyToAddress(o.scriptPublicKey, ADDRESS_PREFIX) ?? nonStandard(`transaction output #${i}: non-standard script form`);
    });
    const doubleSpends = this.doubleSpends(tx);
    if (policy === "forbidden" && doubleSpends.length > 0) reject(doubleSpends[0]!.text);
    if (policy === "mandatory" && doubleSpends.length === 0) reject("replace by fee found no double spending transaction in the mempool");
    if (policy === "mandatory" && doubleSpends.length > 1) reject("replace by fee found more than one double spending transaction in the mempool");
    const replaced = doubleSpends[0] ? this.txs.get(doubleSpends[0].owner)! : null;

    check(checkInIsolation(tx));
    const daa = this.opts.daaScore();
    check(checkFinalized(tx, daa, this.opts.pastMedianTime()));
    const found = tx.inputs.map((input) => this.entryFor(input.previousOutpoint, replaced?.id));
    if (found.some((e) => !e)) reject(`transaction ${id} is an orphan where orphan is disallowed`);
    const entries = found as TxUtxoEntry[];
    entries.forEach((e, i) => {
      if (e.isCoinbase && e.blockDaaScore + this.opts.maturity > daa) {
        reject(
          `one of the transaction inputs spends an immature UTXO: transaction input #${i} tried to spend coinbase outpoint ` +
            `${showOutpoint(tx.inputs[i]!.previousOutpoint)} with daa score of ${e.blockDaaScore}\n    while the merging block ` +
            `daa score is ${daa} and the coinbase maturity period of ${this.opts.maturity} hasn't passed yet`,
        );
      }
    });
    let totalIn = 0n;
    for (const e of entries) {
      totalIn += e.amount;
      if (totalIn > MAX_SOMPI) reject(`transaction total inputs spending amount is higher than the max allowed of ${MAX_SOMPI}`);
    }
    const totalOut = tx.outputs.reduce((s, o) => s + o.value, 0n);
    if (totalOut > totalIn) reject(`transaction tries to spend ${totalOut} while its total inputs amount is ${totalIn}`);
    const fee = totalIn - totalOut;
    check(checkSequenceLocks(tx, entries.map((e) => e.blockDaaScore), daa));
    const { storage } = computeMass(tx, entries);
    const normalizedTransient = (transient + 1n) / 2n;
    const feeMass = [storage, compute, normalizedTransient].reduce((a, b) => (a > b ? a : b));
    const feerate = Number(fee) / Number(feeMass);
    if (replaced && feerate <= replaced.feerate) reject("fee rate per contextual mass gram is not greater than the fee rate of the replaced transaction");
    tx.inputs.forEach((input, i) => {
      const error = checkInputScript(tx, i, entries);
      if (error === null) return;
      // map_script_err: an empty signature script gets its own wrapper.
      reject(input.signatureScript === "" ? `failed to verify empty signature script. Inner error: ${error}` : `failed to verify the signature script: ${error}`);
    });

    if (storage > MAX_STORAGE_MASS) reject(`transaction storage mass of ${storage} is larger than max allowed size of ${MAX_STORAGE_MASS}`);
    entries.forEach((e, i) => {
      if (!scriptPublicKeyToAddress(e.scriptPublicKey, ADDRESS_PREFIX)) nonStandard(`transaction input ${i}: non-standard script form`);
      const sigOps = P2SH.test(e.scriptPublicKey) ? p2shSigOps(hexToBytes(tx.inputs[i]!.signatureScript)) : 0;
      if (sigOps > MAX_STANDARD_P2SH_SIG_OPS) {
        nonStandard(`transaction input #${i} has ${sigOps} signature operations which is more than the allowed max amount of ${MAX_STANDARD_P2SH_SIG_OPS}`);
      }
    });
    const required = minimumFee({ compute, transient });
    if (fee < required) {
      nonStandard(compute >= normalizedTransient
        ? `transaction has ${fee} fees which is under the required amount of ${required} for compute mass ${compute}`
        : `transaction has ${fee} fees which is under the required amount of ${required} for normalized transient mass ${normalizedTransient} (proportional to transaction byte size)`);
    }

    const replacedJson = replaced ? rpcTransactionJson(replaced.tx, replaced.storageMass) : null;
    if (replaced) this.remove(replaced.id);
    this.txs.set(id, {
      id, tx, storageMass: storage, feerate,
      outputs: tx.outputs.map((o, i) => ({ address: outputs[i]!, value: o.value, scriptPublicKey: o.scriptPublicKey })),
    });
    tx.inputs.forEach((input) => this.spentBy.set(outpointKey(input.previousOutpoint), id));
    return { id, replaced: replacedJson };
  }

  /** The first double-spent outpoint per mempool transaction the candidate conflicts with (get_double_spend_transaction_ids). */
  private doubleSpends(tx: Transaction): { owner: string; text: string }[] {
    const found = new Map<string, string>();
    for (const input of tx.inputs) {
      const owner = this.spentBy.get(outpointKey(input.previousOutpoint));
      if (owner && !found.has(owner)) found.set(owner, `output ${showOutpoint(input.previousOutpoint)} already spent by transaction ${owner} in the mempool`);
    }
    return [...found].map(([owner, text]) => ({ owner, text }));
  }

  /** A confirmed UTXO, or an output of a transaction waiting in the mempool (the node lets transactions chain);
   * outputs of the transaction being replaced do not count. */
  private entryFor(outpoint: Outpoint, replacing: string | undefined): TxUtxoEntry | undefined {
    const confirmed = this.opts.utxos.get(outpoint);
    if (confirmed) return confirmed.utxoEntry;
    if (outpoint.transactionId === replacing) return undefined;
    const output = this.txs.get(outpoint.transactionId)?.outputs[outpoint.index];
    if (!output) return undefined;
    return { amount: output.value, scriptPublicKey: output.scriptPublicKey, blockDaaScore: UNACCEPTED_DAA_SCORE, isCoinbase: false };
  }

  /** Drops a transaction and every mempool transaction spending its outputs (remove_transaction with redeemers). */
  private remove(id: string): void {
    const gone = new Set([id]);
    for (const p of this.txs.values()) {
      if (p.tx.inputs.some((i) => gone.has(i.previousOutpoint.transactionId))) gone.add(p.id);
    }
    for (const goneId of gone) {
      for (const input of this.txs.get(goneId)!.tx.inputs) this.spentBy.delete(outpointKey(input.previousOutpoint));
      this.txs.delete(goneId);
    }
  }

  /** Moves every queued transaction, parents first, into the UTXO set as accepted by a chain block at `daaScore`;
   * an output created and spent within the same block shows in neither side of the diff. Returns the accepted ids. */
  commit(daaScore: bigint, diff: UtxoDiff, minFeerate = 0): string[] {
    const ids: string[] = [];
    // Under congestion a transaction below the market feerate waits, and so does any child of one that waits.
    const waiting = new Set<string>();
    for (const { id, tx, feerate } of this.txs.values()) {
      if (feerate < minFeerate || tx.inputs.some((i) => waiting.has(i.previousOutpoint.transactionId))) waiting.add(id);
      else ids.push(id);
    }
    for (const id of ids) {
      const { tx, outputs } = this.txs.get(id)!;
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
      for (const input of tx.inputs) this.spentBy.delete(outpointKey(input.previousOutpoint));
      this.txs.delete(id);
    }
    return ids;
  }
}

const showOutpoint = (o: Outpoint) => `(${o.transactionId}, ${o.index})`;
