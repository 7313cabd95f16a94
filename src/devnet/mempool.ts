// Transaction acceptance as the node's mempool does it (mining/src/mempool, texts from mining/errors/src/mempool.rs
// and consensus/core/src/errors/tx.rs), and inclusion of accepted transactions in the next chain block.
// Signatures are checked with src/kaspa/tx verifyInputSignature, independently of the payout signer.

import { computeMass, minimumFee, parseTransaction, transactionId, verifyInputSignature } from "../kaspa/tx/index.ts";
import { scriptPublicKeyToAddress } from "../kaspa/address.ts";
import { BadParams, RpcError } from "./errors.ts";
import { outpointKey, type Outpoint, type UtxoDiff, type UtxoRecord, type UtxoSet } from "./utxo.ts";
import { ADDRESS_PREFIX } from "./network.ts";

interface PendingTx {
  id: string;
  inputs: Outpoint[];
  outputs: { value: bigint; scriptPublicKey: string }[];
}

export interface MempoolOptions {
  utxos: UtxoSet;
  maturity: bigint;
  daaScore: () => bigint;
}

export class Mempool {
  private readonly txs = new Map<string, PendingTx>();
  private readonly spentBy = new Map<string, string>();

  constructor(private readonly opts: MempoolOptions) {}

  size(): number {
    return this.txs.size;
  }

  /** Validates and queues a transaction; returns its id or throws the node's "Rejected transaction" error. */
  submit(json: unknown): string {
    let tx: ReturnType<typeof parseTransaction>;
    try {
      tx = parseTransaction(json);
    } catch (err) {
      throw new BadParams(err instanceof Error ? err.message : "bad transaction");
    }
    const id = transactionId(tx);
    const reject = (reason: string): never => {
      throw new RpcError(`Rejected transaction ${id}: ${reason}`);
    };
    if (this.txs.has(id)) reject(`transaction ${id} is already in the mempool`);
    if (tx.inputs.length === 0) reject("transaction has no inputs");
    tx.outputs.forEach((o, i) => o.value === 0n && reject(`transaction output ${i} has zero value`));
    const keys = tx.inputs.map((i) => outpointKey(i.previousOutpoint));
    if (new Set(keys).size !== keys.length) reject("transaction has duplicate inputs");

    const entries: UtxoRecord[] = [];
    tx.inputs.forEach((input, i) => {
      const op = input.previousOutpoint;
      const spender = this.spentBy.get(keys[i]!);
      if (spender) reject(`output (${op.transactionId}, ${op.index}) already spent by transaction ${spender} in the mempool`);
      const utxo = this.opts.utxos.get(op);
      if (!utxo) return reject(`transaction ${id} is an orphan where orphan is disallowed`);
      const daa = this.opts.daaScore();
      if (utxo.utxoEntry.isCoinbase && utxo.utxoEntry.blockDaaScore + this.opts.maturity > daa) {
        reject(
          `one of the transaction inputs spends an immature UTXO: transaction input #${i} tried to spend coinbase outpoint ` +
            `(${op.transactionId}, ${op.index}) with daa score of ${utxo.utxoEntry.blockDaaScore}\n    while the merging block ` +
            `daa score is ${daa} and the coinbase maturity period of ${this.opts.maturity} hasn't passed yet`,
        );
      }
      entries.push(utxo);
    });

    const totalIn = entries.reduce((s, e) => s + e.utxoEntry.amount, 0n);
    const totalOut = tx.outputs.reduce((s, o) => s + o.value, 0n);
    if (totalOut > totalIn) reject(`transaction tries to spend ${totalOut} while its total inputs amount is ${totalIn}`);
    const mass = computeMass(tx);
    const required = minimumFee(mass);
    const fee = totalIn - totalOut;
    if (fee < required) {
      reject(`transaction ${id} is not standard: transaction has ${fee} fees which is under the required amount of ${required} for compute mass ${mass}`);
    }
    const utxoEntries = entries.map((e) => e.utxoEntry);
    tx.inputs.forEach((_, i) => {
      if (!verifyInputSignature(tx, i, utxoEntries)) reject("failed to verify the signature script: false stack entry at end of script execution");
    });

    this.txs.set(id, {
      id,
      inputs: tx.inputs.map((i) => i.previousOutpoint),
      outputs: tx.outputs.map((o) => ({ value: o.value, scriptPublicKey: o.scriptPublicKey })),
    });
    keys.forEach((k) => this.spentBy.set(k, id));
    return id;
  }

  /** Moves every queued transaction into the UTXO set as accepted by a chain block at `daaScore`. */
  commit(daaScore: bigint, diff: UtxoDiff): string[] {
    const ids = [...this.txs.keys()];
    for (const tx of this.txs.values()) {
      for (const op of tx.inputs) {
        const removed = this.opts.utxos.remove(op);
        if (removed) diff.removed.push(removed);
      }
      tx.outputs.forEach((o, index) => {
        const record: UtxoRecord = {
          address: scriptPublicKeyToAddress(o.scriptPublicKey, ADDRESS_PREFIX),
          outpoint: { transactionId: tx.id, index },
          utxoEntry: { amount: o.value, scriptPublicKey: o.scriptPublicKey, blockDaaScore: daaScore, isCoinbase: false, covenantId: null },
        };
        this.opts.utxos.add(record);
        diff.added.push(record);
      });
    }
    this.txs.clear();
    this.spentBy.clear();
    return ids;
  }
}
