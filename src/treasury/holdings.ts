// What the pool wallet holds, by kind, and whether it matches what the ledger owes. Pure: the watcher supplies the
// UTXOs, the database the balances.

export interface PoolUtxo {
  /** "<transactionId>:<index>" */
  outpoint: string;
  transactionId: string;
  index: number;
  amount: bigint;
  scriptPublicKey: string;
  blockDaaScore: bigint;
  isCoinbase: boolean;
}

export type UtxoKind = "coinbase" | "immature" | "change" | "external";

/**
 * Coinbase outputs pay mined blocks; change outputs come back from our own payout transactions; anything else was
 * sent to the pool by someone (a deposit, a mistake) and is never paid to miners.
 * A coinbase output is spendable `maturity` DAA scores after its block (node-rpc.md §8: blockDaaScore + maturity
 * <= the spending DAA score); `margin` keeps the payer clear of the edge, where a virtual reorg could undo it.
 */
export function classifyUtxo(u: PoolUtxo, isOurs: (txid: string) => boolean, virtualDaaScore: bigint, maturity: bigint, margin: bigint): UtxoKind {
  if (u.isCoinbase) return u.blockDaaScore + maturity + margin <= virtualDaaScore ? "coinbase" : "immature";
  return isOurs(u.transactionId) ? "change" : "external";
}

/** Coinbase and change outputs that no pending batch holds, in a fixed order so plans are reproducible. */
export function spendableUtxos(utxos: readonly PoolUtxo[], kind: (u: PoolUtxo) => UtxoKind, locked: ReadonlySet<string>): PoolUtxo[] {
  return utxos
    .filter((u) => !locked.has(u.outpoint) && (kind(u) === "coinbase" || kind(u) === "change"))
    .sort((a, b) => (a.amount === b.amount ? (a.outpoint < b.outpoint ? -1 : 1) : a.amount > b.amount ? -1 : 1));
}

export interface LedgerPosition {
  /** Σ miners_balance, every account including the pool's own (fees minus payout fees). */
  balances: bigint;
  /** Rewards about to be credited: matured blocks not credited yet, and coinbase outputs that just matured. */
  maturedUncredited: bigint;
  /** Pending batches whose inputs are all still unspent: payments plus fee, debited but still in the wallet. */
  inFlight: bigint;
}

export interface Reconciliation {
  spendable: bigint;
  immature: bigint;
  locked: bigint;
  external: bigint;
  /** What the wallet must hold: balances + in-flight payouts. */
  owed: bigint;
  /** owed − (coinbase + change + immature held); positive means the pool owes more than it holds. */
  deficit: bigint;
  /** Held beyond owed, immature rewards and matured rewards about to be credited: an unexplained surplus. */
  surplus: bigint;
}

/**
 * Immature coinbase outputs are not owed yet (they are credited at maturity), so they may cover a deficit but
 * never count as surplus; external deposits count on neither side.
 */
export function reconcile(utxos: readonly PoolUtxo[], kind: (u: PoolUtxo) => UtxoKind, locked: ReadonlySet<string>, ledger: LedgerPosition): Reconciliation {
  let spendable = 0n, immature = 0n, lockedSum = 0n, external = 0n;
  for (const u of utxos) {
    const k = kind(u);
    if (k === "external") external += u.amount;
    else if (locked.has(u.outpoint)) lockedSum += u.amount;
    else if (k === "immature") immature += u.amount;
    else spendable += u.amount;
  }
  const held = spendable + lockedSum + immature;
  const owed = ledger.balances + ledger.inFlight;
  const deficit = owed - held;
  const surplus = held - owed - immature - ledger.maturedUncredited;
  return { spendable, immature, locked: lockedSum, external, owed, deficit: deficit > 0n ? deficit : 0n, surplus: surplus > 0n ? surplus : 0n };
}
