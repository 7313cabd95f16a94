// One payout cycle: settle the batches already written, then pay every wallet over its threshold from spendable
// coinbase and change outputs. Nothing is broadcast before its batch (debits, signed bytes, txid, locked inputs)
// is committed, and an unfinished batch is only ever sent again with the same bytes.

import { formatKas } from "../common/kas.ts";
import type { Logger } from "../common/log.ts";
import { parseJson } from "../common/json.ts";
import type { Database } from "../db/database.ts";
import type { NodeClient } from "../node/client.ts";
import {
  BalanceChangedError, insertAttempt, lockedOutpoints, markAccepted, markBroadcast, ourTxids, pendingBatches, refundBatch, setConflict,
  unpaidBalances, writeBatch, type PendingBatch,
} from "../db/payments.ts";
import { classifyUtxo, spendableUtxos, type PoolUtxo } from "../treasury/holdings.ts";
import type { TreasuryWatcher } from "../treasury/watcher.ts";
import { duePayees } from "./due.ts";
import type { PayoutSigner } from "./planner.ts";
import { settle } from "./verdict.ts";

export type PayerNode = Pick<NodeClient, "getFeeEstimate" | "getBlockDagInfo" | "submitTransaction" | "submitTransactionReplacement" | "getVirtualChainFromBlock">;

export interface PayerOptions {
  db: Database;
  node: PayerNode;
  watcher: TreasuryWatcher;
  signer: PayoutSigner;
  poolWallet: string;
  thresholdKas: number;
  /** A batch not accepted this long is sent again at the node's current feerate (a replacement). */
  feeBumpMs: number;
  maturity: bigint;
  log: Logger;
  /** Called at each point a crash can split a payout (the crash tests stop the process there). */
  onStep?: (step: PayerStep, batchId: bigint) => void | Promise<void>;
}

export type PayerStep = "written" | "broadcast" | "accepted";

/** DAA scores beyond coinbase maturity before a coinbase output is spent, so a reorg at the edge cannot undo it. */
export const maturityMargin = (maturity: bigint) => maturity / 10n;

/**
 * DAA scores an input must stay spent by someone else before its batch is refunded: as deep as coinbase maturity
 * (1,000 on mainnet, about 100 s), the depth the pool already trusts a block's reward at.
 */
export const conflictDepth = (maturity: bigint) => maturity;

export class Payer {
  constructor(private readonly o: PayerOptions) {}

  async cycle(): Promise<void> {
    await this.o.watcher.resync();
    await this.settleAll(await pendingBatches(this.o.db));
    await this.payDue();
  }

  /** Settles every pending batch; a node that cannot show the chain leaves them all as they are. */
  async settleAll(batches: PendingBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const oldest = batches[0]!.chainStart;
    // A reorg past the start lists the blocks it removed, and the chain from the common ancestor as added.
    const chain = await this.o.node.getVirtualChainFromBlock(oldest, true);
    const accepted = new Set(chain.acceptedTransactionIds.flatMap((a) => a.acceptedTransactionIds));
    const onChain = new Set(this.o.watcher.snapshot().map((u) => u.transactionId));
    const view = {
      isAccepted: (txid: string) => accepted.has(txid) || onChain.has(txid),
      isUnspent: (outpoint: string) => this.o.watcher.has(outpoint),
      virtualDaaScore: this.o.watcher.virtualDaaScore,
    };
    for (const batch of batches) {
      const s = settle(batch, view, conflictDepth(this.o.maturity));
      const newest = batch.attempts[batch.attempts.length - 1]!;
      switch (s.kind) {
        case "accepted":
          await this.o.onStep?.("accepted", batch.id);
          await markAccepted(this.o.db, batch.id, s.txid, this.o.poolWallet);
          this.o.log.info("payout accepted", {
            batch: batch.id, txid: s.txid, paid: formatKas(batch.total), wallets: batch.wallets,
            fee: formatKas(batch.attempts.find((x) => x.txid === s.txid)?.fee ?? newest.fee),
          });
          break;
        case "conflict-seen":
          await setConflict(this.o.db, batch.id, s.daaScore);
          this.o.log.warn("payout inputs spent by another transaction; refunding if it stays so", { batch: batch.id.toString() });
          break;
        case "refund":
          if (await refundBatch(this.o.db, batch.id)) {
            this.o.log.warn("payout refunded to balances: its inputs were spent elsewhere", { batch: batch.id.toString() });
          }
          break;
        case "rebroadcast":
          if (s.clearConflict) await setConflict(this.o.db, batch.id, null);
          if (Date.now() - newest.createdAt < this.o.feeBumpMs || !(await this.bump(batch))) await this.broadcast(batch.id, newest.transaction);
          break;
        case "wait":
          break;
      }
    }
  }

  private async payDue(): Promise<void> {
    const due = duePayees(await unpaidBalances(this.o.db), this.o.thresholdKas, this.o.poolWallet);
    if (due.length === 0) return;
    const utxos = this.o.watcher.snapshot();
    const ours = await ourTxids(this.o.db, [...new Set(utxos.filter((u) => !u.isCoinbase).map((u) => u.transactionId))]);
    const daa = this.o.watcher.virtualDaaScore;
    const kind = (u: PoolUtxo) => classifyUtxo(u, (t) => ours.has(t), daa, this.o.maturity, maturityMargin(this.o.maturity));
    const spendable = spendableUtxos(utxos, kind, await lockedOutpoints(this.o.db));
    const plans = this.o.signer.plan(due.map((d) => d.payee), spendable, await this.feerate());
    const planned = new Set(plans.flatMap((p) => p.payees.map((x) => x.address)));
    const waiting = due.filter((d) => !planned.has(d.payee.address));
    // Routine while coinbase outputs sit in the maturity margin or change is on its way back; a real shortfall is
    // what the treasury reconciliation warns about, every cycle.
    if (waiting.length > 0) {
      this.o.log.info("payouts waiting for spendable funds", {
        wallets: waiting.length, owed: formatKas(waiting.reduce((s, d) => s + d.payee.amount, 0n)),
        spendable: formatKas(spendable.reduce((s, u) => s + u.amount, 0n)),
      });
    }

    const { sink } = await this.o.node.getBlockDagInfo();
    const byWallet = new Map(due.map((d) => [d.payee.address, d]));
    for (const plan of plans) {
      let batchId: bigint;
      try {
        batchId = await writeBatch(this.o.db, {
          chainStart: sink, poolWallet: this.o.poolWallet,
          attempt: { txid: plan.txid, transaction: plan.transaction, fee: plan.fee, inputs: plan.inputs },
          items: plan.payees.map((p) => ({ wallet: p.address, amount: p.amount, workers: byWallet.get(p.address)!.workers })),
        });
      } catch (err) {
        if (!(err instanceof BalanceChangedError)) throw err;
        this.o.log.warn("balance changed while planning; paying it next cycle", { error: err.message });
        continue;
      }
      // Its one info line comes when the network accepts it ("payout accepted").
      this.o.log.debug("payout written", { batch: batchId.toString(), txid: plan.txid, wallets: plan.payees.length, fee: plan.fee.toString() });
      await this.o.onStep?.("written", batchId);
      await this.broadcast(batchId, plan.transaction);
    }
  }

  private async feerate(): Promise<number> {
    const estimate = await this.o.node.getFeeEstimate();
    return estimate.normalBuckets[0]?.feerate ?? estimate.priorityBucket.feerate;
  }

  /**
   * Replaces a stuck batch's newest attempt with one paying the current feerate. The new attempt is written before
   * it is sent, and spends the very same inputs, so whichever attempt the chain accepts, it is the only one.
   */
  private async bump(batch: PendingBatch): Promise<boolean> {
    const newest = batch.attempts[batch.attempts.length - 1]!;
    const next = this.o.signer.bump(newest, await this.feerate());
    if (!next) return false;
    await insertAttempt(this.o.db, batch.id, newest.attempt + 1, next);
    this.o.log.info("payout fee bumped", { batch: batch.id.toString(), txid: next.txid, fee: next.fee.toString(), replaces: newest.txid });
    try {
      await this.o.node.submitTransactionReplacement(parseJson(next.transaction) as object);
    } catch (err) {
      this.o.log.debug("payout replacement not taken; the chain decides", { batch: batch.id.toString(), error: (err as Error).message });
    }
    return true;
  }

  /** The verdict is read from the chain later; a submit error here only says this try did not get in. */
  private async broadcast(batchId: bigint, transaction: string): Promise<void> {
    try {
      await this.o.node.submitTransaction(parseJson(transaction) as object);
    } catch (err) {
      this.o.log.debug("payout submit not taken; the chain decides", { batch: batchId.toString(), error: (err as Error).message });
    }
    await markBroadcast(this.o.db, batchId);
    await this.o.onStep?.("broadcast", batchId);
  }
}
