// Settling a pending payment batch from what the chain shows, and who is due a payout.

import { expect, test } from "bun:test";
import type { PendingBatch } from "../../src/db/payments.ts";
import { commonInputs, settle, type ChainView } from "../../src/payouts/verdict.ts";
import { duePayees } from "../../src/payouts/due.ts";

const attempt = (txid: string, inputs: string[], n = 0) => ({
  txid, attempt: n, transaction: "{}", fee: 1000n, createdAt: 0, inputs: inputs.map((outpoint) => ({ outpoint, amount: 5n })),
});
const batch = (over: Partial<PendingBatch> = {}): PendingBatch => ({
  id: 1n, chainStart: "00".repeat(32), conflictDaaScore: null, total: 100n, wallets: 1,
  attempts: [attempt("a0", ["u:0", "u:1"]), attempt("a1", ["u:0", "u:1"], 1)], ...over,
});
const view = (over: Partial<ChainView> = {}): ChainView => ({
  isAccepted: () => false, isUnspent: () => true, virtualDaaScore: 10_000n, ...over,
});

test("an attempt accepted on the chain settles the batch, whichever attempt it is", () => {
  expect(settle(batch(), view({ isAccepted: (t) => t === "a1" }), 600n)).toEqual({ kind: "accepted", txid: "a1" });
  // Accepted wins over "inputs spent": our own transaction spent them.
  expect(settle(batch(), view({ isAccepted: (t) => t === "a0", isUnspent: () => false }), 600n)).toEqual({ kind: "accepted", txid: "a0" });
});

test("inputs still unspent and nothing accepted: the same bytes go out again", () => {
  expect(settle(batch(), view(), 600n)).toEqual({ kind: "rebroadcast", clearConflict: false });
  expect(settle(batch({ conflictDaaScore: 9_000n }), view(), 600n)).toEqual({ kind: "rebroadcast", clearConflict: true });
});

test("an input spent elsewhere is refunded only after it stayed so for the conflict depth", () => {
  const spent = view({ isUnspent: (o) => o !== "u:1" });
  expect(settle(batch(), spent, 600n)).toEqual({ kind: "conflict-seen", daaScore: 10_000n });
  expect(settle(batch({ conflictDaaScore: 9_500n }), spent, 600n)).toEqual({ kind: "wait" });
  expect(settle(batch({ conflictDaaScore: 9_400n }), spent, 600n)).toEqual({ kind: "refund" });
});

test("only inputs shared by every attempt prove a conflict", () => {
  const b = batch({ attempts: [attempt("a0", ["u:0", "u:1"]), attempt("a1", ["u:0", "u:2"], 1)] });
  expect(commonInputs(b)).toEqual(["u:0"]);
  // u:1 spent: a1 does not spend it, so a1 can still be accepted.
  expect(settle(b, view({ isUnspent: (o) => o !== "u:1" }), 600n).kind).toBe("rebroadcast");
  expect(settle(b, view({ isUnspent: (o) => o !== "u:0" }), 600n).kind).toBe("conflict-seen");
});

test("a wallet is due when its whole balance reaches max(pool threshold, its pl= value); the pool's own address never", () => {
  const KAS = 100_000_000n;
  const w = (wallet: string, amounts: bigint[], threshold: bigint | null = null) => ({
    wallet, threshold, total: amounts.reduce((a, b) => a + b, 0n), workers: amounts.map((balance, i) => ({ minerId: `w${i}`, balance })),
  });
  const due = duePayees([w("a", [6n * KAS, 4n * KAS]), w("b", [10n * KAS - 1n]), w("c", [15n * KAS], 20n * KAS), w("d", [15n * KAS], 5n * KAS), w("pool", [50n * KAS])], 10, "pool");
  expect(due.map((d) => d.payee)).toEqual([{ address: "a", amount: 10n * KAS }, { address: "d", amount: 15n * KAS }]);
  expect(due[0]!.workers).toEqual([{ minerId: "w0", balance: 6n * KAS }, { minerId: "w1", balance: 4n * KAS }]);
});
