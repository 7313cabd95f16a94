// What to do with a pending payment batch, decided from the chain alone. Pure.
//
// Acceptance is read by txid from the virtual chain (or from an output of the attempt in the UTXO index), never
// from a submit error's text: after a resubmit, "already accepted" and "spent by another transaction" can read
// the same.
//
// Refund rule: every attempt of a batch spends the same inputs (a fee bump changes only the change output), so once
// one of those inputs is spent while no attempt is accepted, something else spent it and no attempt can ever be
// accepted. The UTXO index drops an outpoint only when a chain-accepted transaction spends it, and the batch waits
// `conflictDepth` DAA scores with that still true before refunding, so a shallow virtual-chain reorg that brings an
// attempt back in is seen first.

import type { PendingBatch } from "../db/payments.ts";

export type Settlement =
  | { kind: "accepted"; txid: string }
  | { kind: "conflict-seen"; daaScore: bigint }
  | { kind: "wait" }
  | { kind: "refund" }
  | { kind: "rebroadcast"; clearConflict: boolean };

export interface ChainView {
  isAccepted(txid: string): boolean;
  isUnspent(outpoint: string): boolean;
  virtualDaaScore: bigint;
}

/** Inputs spent by every attempt of the batch. */
export function commonInputs(batch: PendingBatch): string[] {
  const [first, ...rest] = batch.attempts;
  if (!first) return [];
  return first.inputs.map((i) => i.outpoint).filter((o) => rest.every((a) => a.inputs.some((i) => i.outpoint === o)));
}

export function settle(batch: PendingBatch, chain: ChainView, conflictDepth: bigint): Settlement {
  const accepted = batch.attempts.find((a) => chain.isAccepted(a.txid));
  if (accepted) return { kind: "accepted", txid: accepted.txid };
  const spent = commonInputs(batch).some((o) => !chain.isUnspent(o));
  if (!spent) return { kind: "rebroadcast", clearConflict: batch.conflictDaaScore !== null };
  if (batch.conflictDaaScore === null) return { kind: "conflict-seen", daaScore: chain.virtualDaaScore };
  return chain.virtualDaaScore - batch.conflictDaaScore >= conflictDepth ? { kind: "refund" } : { kind: "wait" };
}
