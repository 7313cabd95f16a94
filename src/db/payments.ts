// Payment batches, their signed attempts and locked inputs, and the ledger debits that pay for them.

import { POOL_ACCOUNT } from "../pool/credit.ts";
import type { Database, Queryable } from "./database.ts";
import { applyLedger, type LedgerEntry, type LedgerReason } from "./ledger.ts";

export interface WalletBalance {
  wallet: string;
  /** Unpaid sompi per worker (miners_balance.miner_id); the payout debits each by exactly this. */
  workers: { minerId: string; balance: bigint }[];
  total: bigint;
  /** The wallet's own pl= minimum, if it set one. */
  threshold: bigint | null;
}

/** Every wallet with an unpaid balance, the pool's fee account excepted, with the minimum it chose. */
export async function unpaidBalances(q: Queryable): Promise<WalletBalance[]> {
  const rows = await q.query<{ wallet: string; miner_id: string; balance: string; threshold: string | null }>(
    `SELECT b.wallet, b.miner_id, b.balance::text AS balance, s.payout_threshold::text AS threshold
     FROM miners_balance b LEFT JOIN wallet_settings s ON s.wallet = b.wallet
     WHERE b.miner_id <> $1 AND b.balance > 0 ORDER BY b.wallet, b.miner_id`,
    [POOL_ACCOUNT],
  );
  const byWallet = new Map<string, WalletBalance>();
  for (const r of rows) {
    let w = byWallet.get(r.wallet);
    if (!w) byWallet.set(r.wallet, (w = { wallet: r.wallet, workers: [], total: 0n, threshold: r.threshold === null ? null : BigInt(r.threshold) }));
    const balance = BigInt(r.balance);
    w.workers.push({ minerId: r.miner_id, balance });
    w.total += balance;
  }
  return [...byWallet.values()];
}

/** Records a miner's pl= minimum (sompi); the latest login wins. */
export async function setPayoutThreshold(q: Queryable, wallet: string, threshold: bigint): Promise<void> {
  await q.query(
    `INSERT INTO wallet_settings (wallet, payout_threshold) VALUES ($1, $2)
     ON CONFLICT (wallet) DO UPDATE SET payout_threshold = EXCLUDED.payout_threshold, updated_at = now()
     WHERE wallet_settings.payout_threshold IS DISTINCT FROM EXCLUDED.payout_threshold`,
    [wallet, threshold],
  );
}

export interface AttemptRecord {
  txid: string;
  /** Signed transaction, the exact JSON text sent to the node. */
  transaction: string;
  fee: bigint;
  inputs: { outpoint: string; amount: bigint }[];
}

export interface NewBatch {
  chainStart: string;
  /** The pool's fee account pays the network fee. */
  poolWallet: string;
  attempt: AttemptRecord;
  /** One output per wallet; `workers` says which balance rows pay for it. */
  items: { wallet: string; amount: bigint; workers: { minerId: string; balance: bigint }[] }[];
}

export class BalanceChangedError extends Error {}

/**
 * Writes a batch, its first attempt and its inputs, and debits the balances, in one transaction. The debit is the
 * amount read when planning, not "set to zero": a credit that landed since stays on the balance. A balance that
 * shrank (another payer, a manual adjustment) aborts the whole batch, so nothing is paid that is not owed.
 */
export async function writeBatch(db: Database, b: NewBatch): Promise<bigint> {
  return db.transaction(async (tx) => {
    const ids = b.items.flatMap((i) => i.workers.map((w) => `${w.minerId}_${i.wallet}`));
    const rows = await tx.query<{ id: string; balance: string }>(
      "SELECT id, balance::text AS balance FROM miners_balance WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE", [ids]);
    const now = new Map(rows.map((r) => [r.id, BigInt(r.balance)]));
    for (const item of b.items) {
      for (const w of item.workers) {
        if ((now.get(`${w.minerId}_${item.wallet}`) ?? 0n) < w.balance) throw new BalanceChangedError(`balance of ${item.wallet} changed`);
      }
    }
    const [batch] = await tx.query<{ id: string }>(
      "INSERT INTO payment_batches (status, chain_start) VALUES ('pending', $1) RETURNING id::text AS id", [b.chainStart]);
    const batchId = BigInt(batch!.id);
    await insertAttempt(tx, batchId, 0, b.attempt);
    const debits: LedgerEntry[] = [];
    let firstPayment: bigint | null = null;
    for (const item of b.items) {
      const [p] = await tx.query<{ id: string }>(
        "INSERT INTO payments (wallet, amount, status, batch_id) VALUES ($1, $2, 'intent', $3) RETURNING id::text AS id",
        [item.wallet, item.amount, batchId]);
      firstPayment ??= BigInt(p!.id);
      for (const w of item.workers) {
        debits.push({ wallet: item.wallet, minerId: w.minerId, amount: -w.balance, reason: "payout", blockHash: null, paymentId: BigInt(p!.id), note: null });
      }
    }
    debits.push({
      wallet: b.poolWallet, minerId: POOL_ACCOUNT, amount: -b.attempt.fee, reason: "adjustment", blockHash: null,
      paymentId: firstPayment, note: `network fee of payout batch ${batchId}`,
    });
    await applyLedger(tx, debits);
    return batchId;
  });
}

export async function insertAttempt(q: Queryable, batchId: bigint, attempt: number, a: AttemptRecord): Promise<void> {
  await q.query("INSERT INTO payment_attempts (txid, batch_id, attempt, transaction, fee) VALUES ($1, $2, $3, $4, $5)",
    [a.txid, batchId, attempt, a.transaction, a.fee]);
  await q.query(
    `INSERT INTO payment_inputs (txid, outpoint, amount) SELECT $1, o, a FROM unnest($2::text[], $3::numeric[]) AS u(o, a)`,
    [a.txid, a.inputs.map((i) => i.outpoint), a.inputs.map((i) => i.amount)]);
}

export interface PendingBatch {
  id: bigint;
  chainStart: string;
  conflictDaaScore: bigint | null;
  /** Oldest first; the newest is the one broadcast. */
  attempts: (AttemptRecord & { attempt: number; createdAt: number })[];
  total: bigint;
  /** How many wallets it pays. */
  wallets: number;
}

export async function pendingBatches(q: Queryable): Promise<PendingBatch[]> {
  const rows = await q.query<{
    id: string; chain_start: string; conflict: string | null; txid: string; attempt: number; transaction: string; fee: string;
    created_ms: string; outpoints: string[]; amounts: string[]; total: string; wallets: string;
  }>(
    `SELECT b.id::text AS id, b.chain_start, b.conflict_daa_score::text AS conflict, a.txid, a.attempt, a.transaction,
       a.fee::text AS fee, (extract(epoch FROM a.created_at) * 1000)::bigint::text AS created_ms, array_agg(i.outpoint ORDER BY i.outpoint) AS outpoints,
       array_agg(i.amount::text ORDER BY i.outpoint) AS amounts,
       (SELECT sum(amount)::text FROM payments p WHERE p.batch_id = b.id) AS total,
       (SELECT count(*)::text FROM payments p WHERE p.batch_id = b.id) AS wallets
     FROM payment_batches b JOIN payment_attempts a ON a.batch_id = b.id JOIN payment_inputs i ON i.txid = a.txid
     WHERE b.status = 'pending' GROUP BY b.id, a.txid ORDER BY b.id, a.attempt`,
  );
  const batches = new Map<string, PendingBatch>();
  for (const r of rows) {
    let b = batches.get(r.id);
    if (!b) {
      batches.set(r.id, (b = {
        id: BigInt(r.id), chainStart: r.chain_start, conflictDaaScore: r.conflict === null ? null : BigInt(r.conflict), attempts: [],
        total: BigInt(r.total), wallets: Number(r.wallets),
      }));
    }
    b.attempts.push({
      txid: r.txid, attempt: Number(r.attempt), transaction: r.transaction, fee: BigInt(r.fee), createdAt: Number(r.created_ms),
      inputs: r.outpoints.map((o, i) => ({ outpoint: o, amount: BigInt(r.amounts[i]!) })),
    });
  }
  return [...batches.values()];
}

/** Outpoints held by pending batches: no new batch may spend them. */
export async function lockedOutpoints(q: Queryable): Promise<Set<string>> {
  const rows = await q.query<{ outpoint: string }>(
    `SELECT DISTINCT i.outpoint FROM payment_inputs i JOIN payment_attempts a ON a.txid = i.txid
     JOIN payment_batches b ON b.id = a.batch_id WHERE b.status = 'pending'`);
  return new Set(rows.map((r) => r.outpoint));
}

/** Of these transaction ids, the ones that are attempts of ours (their outputs are change, not deposits). */
export async function ourTxids(q: Queryable, txids: readonly string[]): Promise<Set<string>> {
  if (txids.length === 0) return new Set();
  const rows = await q.query<{ txid: string }>("SELECT txid FROM payment_attempts WHERE txid = ANY($1::text[])", [txids]);
  return new Set(rows.map((r) => r.txid));
}

export async function markBroadcast(q: Queryable, batchId: bigint): Promise<void> {
  await q.query("UPDATE payments SET status = 'broadcast', updated_at = now() WHERE batch_id = $1 AND status = 'intent'", [batchId]);
}

/**
 * Settles a batch as paid by `txid`. The batch debited the first attempt's fee; when a fee bump is the one
 * accepted, the pool account pays the difference now, in the same transaction (once: the status guards it).
 */
export async function markAccepted(db: Database, batchId: bigint, txid: string, poolWallet: string): Promise<void> {
  await db.transaction(async (tx) => {
    const done = await tx.query(
      "UPDATE payment_batches SET status = 'accepted', accepted_txid = $2, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING id",
      [batchId, txid]);
    if (done.length === 0) return;
    await tx.query("UPDATE payments SET status = 'confirmed', txid = $2, updated_at = now() WHERE batch_id = $1", [batchId, txid]);
    const [fees] = await tx.query<{ delta: string; payment: string }>(
      `SELECT ((SELECT fee FROM payment_attempts WHERE txid = $2) - (SELECT fee FROM payment_attempts WHERE batch_id = $1 AND attempt = 0))::text AS delta,
              (SELECT min(id)::text FROM payments WHERE batch_id = $1) AS payment`, [batchId, txid]);
    const delta = BigInt(fees!.delta);
    if (delta === 0n) return;
    await applyLedger(tx, [{
      wallet: poolWallet, minerId: POOL_ACCOUNT, amount: -delta, reason: "adjustment", blockHash: null,
      paymentId: BigInt(fees!.payment), note: `fee bump of payout batch ${batchId}`,
    }]);
  });
}

export async function setConflict(q: Queryable, batchId: bigint, daaScore: bigint | null): Promise<void> {
  await q.query("UPDATE payment_batches SET conflict_daa_score = $2, updated_at = now() WHERE id = $1", [batchId, daaScore]);
}

/** Returns the debits of a batch none of whose attempts can be accepted any more. Once only: the status guards it. */
export async function refundBatch(db: Database, batchId: bigint): Promise<boolean> {
  return db.transaction(async (tx) => {
    const done = await tx.query(
      "UPDATE payment_batches SET status = 'refunded', updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING id", [batchId]);
    if (done.length === 0) return false;
    // The payouts and the network fee the batch debited, each reversed with its own reason.
    const debits = await tx.query<{ wallet: string; miner_id: string; amount: string; reason: LedgerReason; payment_id: string }>(
      `SELECT l.wallet, l.miner_id, l.amount::text AS amount, l.reason, l.payment_id::text AS payment_id FROM ledger l
       JOIN payments p ON p.id = l.payment_id WHERE p.batch_id = $1 AND l.amount < 0`, [batchId]);
    await applyLedger(tx, debits.map((d) => ({
      wallet: d.wallet, minerId: d.miner_id, amount: -BigInt(d.amount), reason: d.reason, blockHash: null,
      paymentId: BigInt(d.payment_id), note: "refund: no attempt of the batch can be accepted",
    })));
    await tx.query("UPDATE payments SET status = 'failed', updated_at = now() WHERE batch_id = $1", [batchId]);
    return true;
  });
}
