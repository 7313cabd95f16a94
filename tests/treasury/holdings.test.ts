// Classifying the pool wallet's UTXOs and reconciling them with the ledger.

import { expect, test } from "bun:test";
import { classifyUtxo, reconcile, spendableUtxos, type PoolUtxo } from "../../src/treasury/holdings.ts";

const u = (outpoint: string, amount: bigint, isCoinbase: boolean, blockDaaScore = 0n): PoolUtxo => ({
  outpoint, transactionId: outpoint.split(":")[0]!, index: Number(outpoint.split(":")[1]), amount, isCoinbase, blockDaaScore,
  scriptPublicKey: "000020" + "11".repeat(32) + "ac",
});
const ours = (t: string) => t === "pay";
const kindAt = (daa: bigint) => (x: PoolUtxo) => classifyUtxo(x, ours, daa, 1000n, 100n);

test("coinbase is spendable maturity + margin DAA after its block; our change is spendable; the rest is external", () => {
  expect(classifyUtxo(u("cb:0", 5n, true, 1000n), ours, 2099n, 1000n, 100n)).toBe("immature");
  expect(classifyUtxo(u("cb:0", 5n, true, 1000n), ours, 2100n, 1000n, 100n)).toBe("coinbase");
  expect(classifyUtxo(u("pay:1", 5n, false), ours, 0n, 1000n, 100n)).toBe("change");
  expect(classifyUtxo(u("gift:0", 5n, false), ours, 0n, 1000n, 100n)).toBe("external");
});

test("spendable excludes immature, external and locked outputs, largest first", () => {
  const all = [u("cb:0", 5n, true, 0n), u("cb:1", 9n, true, 0n), u("cb:2", 7n, true, 5000n), u("gift:0", 50n, false), u("pay:1", 3n, false), u("cb:3", 8n, true)];
  expect(spendableUtxos(all, kindAt(5000n), new Set(["cb:3"])).map((x) => x.outpoint)).toEqual(["cb:1", "cb:0", "pay:1"]);
});

test("reconciliation: a wallet that holds what it owes passes; missing coins are a deficit; extra coins a surplus", () => {
  const utxos = [u("cb:0", 600n, true, 0n), u("cb:1", 100n, true, 4950n), u("pay:1", 300n, false), u("gift:0", 77n, false)];
  const kind = kindAt(5000n);
  const ok = reconcile(utxos, kind, new Set(["pay:1"]), { balances: 700n, maturedUncredited: 0n, inFlight: 200n });
  expect(ok).toEqual({ spendable: 600n, immature: 100n, locked: 300n, external: 77n, owed: 900n, deficit: 0n, surplus: 0n });
  // Someone moved the 600-sompi output out of the wallet behind the pool's back.
  expect(reconcile(utxos.slice(1), kind, new Set(["pay:1"]), { balances: 700n, maturedUncredited: 0n, inFlight: 200n }).deficit).toBe(500n);
  // A reward nobody was credited for (a lost block): held beyond owed, immature and about-to-be-credited.
  const extra = reconcile([...utxos, u("cb:9", 40n, true, 0n)], kind, new Set(["pay:1"]), { balances: 700n, maturedUncredited: 0n, inFlight: 200n });
  expect(extra.surplus).toBe(40n);
  expect(reconcile([...utxos, u("cb:9", 40n, true, 0n)], kind, new Set(["pay:1"]), { balances: 700n, maturedUncredited: 40n, inFlight: 200n }).surplus).toBe(0n);
});
