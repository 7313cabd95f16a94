// submitTransaction over a real WebSocket: fixtures signed here with @noble/curves Schnorr over src/kaspa/tx sigHash,
// spending UTXOs made with devnet.fund; acceptance shows in the UTXO index and utxosChanged after the next tick.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../../src/common/hex.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { addressToScriptPublicKey } from "../../src/kaspa/address.ts";
import { sigHash, SUBNETWORK_NATIVE, transactionId, type Transaction, type UtxoEntry } from "../../src/kaspa/tx/index.ts";
import { devAddress, devKey } from "./fixtures.ts";
import { WsClient } from "./wsClient.ts";

const MATURITY = 8;
const ALICE = { key: devKey(1), address: devAddress(1) };
const BOB = devAddress(2);
const KAS = 100_000_000n;
/** A 1-in/2-out P2PK version 0 transaction: 316 bytes, compute mass 2036 (node-rpc.md §8). */
const MIN_FEE_1_IN_2_OUT = 203_600n;

let devnet: Devnet;
let client: WsClient;

beforeAll(async () => {
  // 4 BPS leaves 250 ms after each tick for a test to act before the next one.
  devnet = await startDevnet({ port: 0, bps: 4, maturity: MATURITY });
  client = await WsClient.connect(devnet.url);
  await client.call("subscribe", { VirtualDaaScoreChanged: {} });
});

afterAll(async () => {
  client.close();
  await devnet.stop();
});

interface Coin {
  outpoint: { transactionId: string; index: number };
  entry: UtxoEntry;
  key: Uint8Array;
}

function fund(amount: bigint, mature = true): Coin {
  const outpoint = devnet.fund(ALICE.address, amount, { mature });
  const entry = { amount, scriptPublicKey: addressToScriptPublicKey(ALICE.address), blockDaaScore: devnet.virtualDaaScore(), isCoinbase: !mature };
  return { outpoint, entry, key: ALICE.key };
}

interface Built {
  id: string;
  json: Record<string, unknown>;
}

/** Signs every input with SIGHASH_ALL; `signWith` overrides the key of input 0, `tamper` changes the tx after signing. */
function build(
  coins: Coin[],
  outputs: Array<[string, bigint]>,
  opts: { version?: number; signWith?: Uint8Array; tamper?: (t: Transaction) => void; commit?: { sigOpCount: number; computeBudget?: number } } = {},
): Built {
  const version = opts.version ?? 0;
  const commit = opts.commit ?? (version === 0 ? { sigOpCount: 1 } : { sigOpCount: 0, computeBudget: 10 });
  const tx: Transaction = {
    version,
    inputs: coins.map((c) => ({ previousOutpoint: c.outpoint, signatureScript: "", sequence: 0n, ...commit })),
    outputs: outputs.map(([address, value]) => ({ value, scriptPublicKey: addressToScriptPublicKey(address), covenant: null })),
    lockTime: 0n, subnetworkId: SUBNETWORK_NATIVE, gas: 0n, payload: "",
  };
  const entries = coins.map((c) => c.entry);
  tx.inputs.forEach((input, i) => {
    const key = i === 0 && opts.signWith ? opts.signWith : coins[i]!.key;
    const sig = schnorr.sign(sigHash(tx, i, entries), key, new Uint8Array(32).fill(i + 7));
    input.signatureScript = "41" + bytesToHex(sig) + "01";
  });
  opts.tamper?.(tx);
  const json = {
    ...tx,
    inputs: tx.inputs.map((i) => ({ ...i, verboseData: null })),
    outputs: tx.outputs.map((o) => ({ ...o, verboseData: null })),
    storageMass: 0, verboseData: null,
  };
  return { id: transactionId(tx), json };
}

const submit = (b: Built) => client.request("submitTransaction", { transaction: b.json, allowOrphan: false });

async function accepted(b: Built): Promise<void> {
  const reply = await submit(b);
  expect(reply.error).toBeUndefined();
  expect(reply.params).toEqual({ transactionId: b.id });
}

async function rejected(b: Built, reason: string | RegExp): Promise<void> {
  const reply = await submit(b);
  expect(reply.params).toBeUndefined();
  if (typeof reason === "string") expect(reply.error.message).toBe(`Rejected transaction ${b.id}: ${reason}`);
  else {
    expect(reply.error.message).toStartWith(`Rejected transaction ${b.id}: `);
    expect(reply.error.message).toMatch(reason);
  }
}

/** Resolves right after the next tick, so the caller has a whole tick interval before the mempool is committed. */
async function nextTick(): Promise<number> {
  client.drain();
  const n = await client.notification("virtualDaaScoreChangedNotification");
  return n.params.VirtualDaaScoreChanged.virtualDaaScore;
}

const utxosOf = async (address: string) => (await client.call("getUtxosByAddresses", { addresses: [address] })).entries as any[];
const key = (o: { transactionId: string; index: number }) => `${o.transactionId}:${o.index}`;

describe("accepted transactions", () => {
  test("queue in the mempool, then the next tick moves them into the UTXO set and notifies", async () => {
    const watcher = await WsClient.connect(devnet.url);
    try {
      await watcher.call("subscribe", { UtxosChanged: { addresses: [ALICE.address, BOB] } });
      const coin = fund(10n * KAS);
      const fee = MIN_FEE_1_IN_2_OUT;
      const tx = build([coin], [[BOB, 4n * KAS], [ALICE.address, 6n * KAS - fee]]);

      const before = await nextTick();
      await accepted(tx);
      expect((await client.call("getInfo")).mempoolSize).toBe(1);
      expect((await utxosOf(ALICE.address)).map((e) => key(e.outpoint))).toContain(key(coin.outpoint));

      const after = await nextTick();
      expect((await client.call("getInfo")).mempoolSize).toBe(0);
      // The chain block that accepted the transaction had the DAA score virtual had while it waited.
      const bob = (await utxosOf(BOB)).find((e) => e.outpoint.transactionId === tx.id);
      expect(bob).toEqual({
        address: BOB,
        outpoint: { transactionId: tx.id, index: 0 },
        // Safe integers come back as numbers from parseJson.
        utxoEntry: { amount: Number(4n * KAS), scriptPublicKey: addressToScriptPublicKey(BOB), blockDaaScore: before, isCoinbase: false, covenantId: null },
      });
      expect(after).toBeGreaterThan(before);
      const alice = (await utxosOf(ALICE.address)).map((e) => key(e.outpoint));
      expect(alice).not.toContain(key(coin.outpoint));
      expect(alice).toContain(key({ transactionId: tx.id, index: 1 }));
      expect(await client.call("getBalanceByAddress", { address: BOB })).toEqual({ balance: Number(4n * KAS) });

      let change: any;
      for (let i = 0; i < 5 && !change?.removed.length; i++) change = (await watcher.notification("utxosChangedNotification")).params.UtxosChanged;
      expect(change.removed.map((e: any) => key(e.outpoint))).toEqual([key(coin.outpoint)]);
      expect(change.added.map((e: any) => key(e.outpoint)).sort()).toEqual([`${tx.id}:0`, `${tx.id}:1`].sort());
      expect(change.added.every((e: any) => e.utxoEntry.isCoinbase === false && e.utxoEntry.blockDaaScore === before)).toBe(true);
    } finally {
      watcher.close();
    }
  });

  test("a version 1 transaction with computeBudget 10 per input is accepted", async () => {
    const coin = fund(3n * KAS);
    await accepted(build([coin], [[BOB, 2n * KAS], [ALICE.address, KAS - 300_000n]], { version: 1 }));
  });

  test("a transaction may spend an output of one still in the mempool; both land in the same block", async () => {
    const coin = fund(5n * KAS);
    await nextTick();
    const parent = build([coin], [[ALICE.address, 5n * KAS - MIN_FEE_1_IN_2_OUT - KAS], [BOB, KAS]]);
    await accepted(parent);
    const parentOut: Coin = {
      outpoint: { transactionId: parent.id, index: 0 },
      entry: { amount: 5n * KAS - MIN_FEE_1_IN_2_OUT - KAS, scriptPublicKey: addressToScriptPublicKey(ALICE.address), blockDaaScore: (1n << 64n) - 1n, isCoinbase: false },
      key: ALICE.key,
    };
    const child = build([parentOut], [[BOB, 2n * KAS], [ALICE.address, parentOut.entry.amount - 2n * KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(child);
    await nextTick();
    const alice = (await utxosOf(ALICE.address)).map((e) => key(e.outpoint));
    expect(alice).not.toContain(key(parentOut.outpoint));
    expect(alice).toContain(`${child.id}:1`);
    expect((await utxosOf(BOB)).map((e) => key(e.outpoint))).toEqual(expect.arrayContaining([`${parent.id}:1`, `${child.id}:0`]));
  });
});

describe("double spends", () => {
  test("a second transaction spending an input already spent in the mempool is rejected", async () => {
    const coin = fund(2n * KAS);
    await nextTick();
    const first = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(first);
    const second = build([coin], [[BOB, KAS / 2n], [ALICE.address, (3n * KAS) / 2n - MIN_FEE_1_IN_2_OUT]]);
    await rejected(second, `output (${coin.outpoint.transactionId}, 0) already spent by transaction ${first.id} in the mempool`);
    await rejected(first, `transaction ${first.id} is already in the mempool`);
  });

  test("after confirmation the input is gone: another spender is an orphan, the same transaction already accepted", async () => {
    const coin = fund(2n * KAS);
    const first = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    await accepted(first);
    await nextTick();
    const second = build([coin], [[BOB, KAS / 2n], [ALICE.address, (3n * KAS) / 2n - MIN_FEE_1_IN_2_OUT]]);
    await rejected(second, `transaction ${second.id} is an orphan where orphan is disallowed`);
    await rejected(first, `transaction ${first.id} was already accepted by the consensus`);
  });

  test("the same input twice in one transaction is rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin, coin], [[BOB, KAS]]), "transaction has duplicate inputs");
  });
});

describe("rejections", () => {
  test("an immature coinbase UTXO is rejected until blockDaaScore + maturity <= virtual DAA", async () => {
    const coin = fund(2n * KAS, false);
    const tx = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    const reply = await submit(tx);
    expect(reply.error.message).toStartWith(
      `Rejected transaction ${tx.id}: one of the transaction inputs spends an immature UTXO: transaction input #0 tried to spend ` +
        `coinbase outpoint (${coin.outpoint.transactionId}, 0) with daa score of ${coin.entry.blockDaaScore}\n    while the merging block daa score is `,
    );
    expect(reply.error.message).toEndWith(`and the coinbase maturity period of ${MATURITY} hasn't passed yet`);
    while (devnet.virtualDaaScore() < coin.entry.blockDaaScore + BigInt(MATURITY)) await nextTick();
    await accepted(tx);
  });

  test("a signature by another key, or over a changed transaction, is rejected", async () => {
    const coin = fund(2n * KAS);
    const reason = "failed to verify the signature script: false stack entry at end of script execution";
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]], { signWith: devKey(2) }), reason);
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]], { tamper: (t) => void (t.outputs[0]!.value += 1n) }), reason);
  });

  test("a fee one sompi under minimumFee(computeMass) is rejected with the node's text; exactly the minimum passes", async () => {
    const coin = fund(2n * KAS);
    const low = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT + 1n]]);
    await rejected(low, `transaction ${low.id} is not standard: transaction has ${MIN_FEE_1_IN_2_OUT - 1n} fees which is under the required amount of ${MIN_FEE_1_IN_2_OUT} for compute mass 2036`);
    await accepted(build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]));
  });

  test("a zero-value output, or one above 29 billion KAS, is rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin], [[BOB, 0n], [ALICE.address, KAS]]), "transaction output 0 has zero value");
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, 2_900_000_000n * 10n ** 9n + 1n]]), "transaction output 1 value is higher than the max allowed of 2900000000000000000");
  });

  test("outputs above the inputs are rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin], [[BOB, KAS], [ALICE.address, KAS + 1n]]), `transaction tries to spend ${2n * KAS + 1n} while its total inputs amount is ${2n * KAS}`);
  });

  test("an output small enough to push storage mass over 500,000 is rejected", async () => {
    const coin = fund(2n * KAS);
    await rejected(build([coin], [[BOB, 1_000_000n], [ALICE.address, 2n * KAS - 1_000_000n - KAS / 10n]]), /storage mass\) of \d+ is larger than max allowed size of 500000$/);
  });

  test("mass commitments must fit the version: v0 commits one sig-op per P2PK input, v1 a compute budget of 10", async () => {
    const coin = fund(2n * KAS);
    const outs: Array<[string, bigint]> = [[BOB, KAS], [ALICE.address, KAS - 400_000n]];
    await rejected(build([coin], outs, { commit: { sigOpCount: 0 } }), "input 0 sig op count is 0, but the calculated value is 1");
    await rejected(build([coin], outs, { version: 1, commit: { sigOpCount: 0, computeBudget: 9 } }), /^.*failed to verify the signature script: /);
    const mixed = await submit(build([coin], outs, { version: 1, commit: { sigOpCount: 1 } }));
    expect(mixed.error.message).toBe("RpcTransactionInput.sig_op_count is inconsistent with transaction version 1");
  });

  test("malformed requests are deserialization errors and leave the mempool alone", async () => {
    const coin = fund(2n * KAS);
    const tx = build([coin], [[BOB, KAS], [ALICE.address, KAS - MIN_FEE_1_IN_2_OUT]]);
    const { storageMass: _, ...noMass } = tx.json;
    await nextTick();
    for (const params of [{ transaction: tx.json }, { transaction: noMass, allowOrphan: false }, { transaction: { ...tx.json, outputs: 1 }, allowOrphan: false }]) {
      expect((await client.request("submitTransaction", params)).error.message).toBe("request deserialization error");
    }
    expect((await client.call("getInfo")).mempoolSize).toBe(0);
  });
});
