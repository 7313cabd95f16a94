// Transaction fixtures for the devnet tests, signed here with @noble/curves (Schnorr, ECDSA, P2SH multisig) over
// src/kaspa/tx sigHash, independently of the payout signer. Coins are made with devnet.fund.

import { afterAll, expect } from "bun:test";
import { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
import { blake2b } from "@noble/hashes/blake2.js";
import { bytesToHex } from "../../src/common/hex.ts";
import { startDevnet, type Devnet, type DevnetOptions } from "../../src/devnet/index.ts";
import { addressToScriptPublicKey, encodeAddress } from "../../src/kaspa/address.ts";
import { ecdsaSigHash, sigHash, SUBNETWORK_NATIVE, transactionId, type Transaction, type TxInput, type UtxoEntry } from "../../src/kaspa/tx/index.ts";
import { devKey } from "./fixtures.ts";
import { WsClient } from "./wsClient.ts";

export const KAS = 100_000_000n;
/** A 1-in/2-out P2PK version 0 transaction: 316 bytes, compute mass 2036 (node-rpc.md §8). */
export const MIN_FEE_1_IN_2_OUT = 203_600n;

/** Signs input i of tx (entries = the UTXOs of all inputs) and returns its signature script hex. */
export type Signer = (tx: Transaction, i: number, entries: UtxoEntry[]) => string;

export interface Wallet {
  address: string;
  sign: Signer;
}

const push = (hex: string) => {
  const len = hex.length / 2;
  if (len < 0x4c) return len.toString(16).padStart(2, "0") + hex;
  if (len < 0x100) return "4c" + len.toString(16).padStart(2, "0") + hex;
  return "4d" + (len & 0xff).toString(16).padStart(2, "0") + (len >> 8).toString(16).padStart(2, "0") + hex;
};

const schnorrSig = (key: Uint8Array, tx: Transaction, i: number, entries: UtxoEntry[]) =>
  bytesToHex(schnorr.sign(sigHash(tx, i, entries), key, new Uint8Array(32).fill(i + 7))) + "01";
const ecdsaSig = (key: Uint8Array, tx: Transaction, i: number, entries: UtxoEntry[]) =>
  bytesToHex(secp256k1.sign(ecdsaSigHash(sigHash(tx, i, entries)), key, { prehash: false, lowS: true })) + "01";

export function schnorrWallet(n: number): Wallet {
  const key = devKey(n);
  return { address: encodeAddress("kaspadev", 0, schnorr.getPublicKey(key)), sign: (tx, i, e) => push(schnorrSig(key, tx, i, e)) };
}

export function ecdsaWallet(n: number): Wallet {
  const key = devKey(n);
  return { address: encodeAddress("kaspadev", 1, secp256k1.getPublicKey(key, true)), sign: (tx, i, e) => push(ecdsaSig(key, tx, i, e)) };
}

/** An m-of-n Schnorr multisig behind P2SH: redeem = OP_m <x-only keys> OP_n OP_CHECKMULTISIG; `signers` picks the keys that sign. */
export function multisigWallet(m: number, keys: number[], signers: number[]): Wallet & { redeem: string } {
  const op = (n: number) => (0x50 + n).toString(16);
  const redeem = op(m) + keys.map((k) => push(bytesToHex(schnorr.getPublicKey(devKey(k))))).join("") + op(keys.length) + "ae";
  const hash = blake2b(Buffer.from(redeem, "hex"), { dkLen: 32 });
  return {
    address: encodeAddress("kaspadev", 8, hash),
    redeem,
    sign: (tx, i, e) => signers.map((k) => push(schnorrSig(devKey(k), tx, i, e))).join("") + push(redeem),
  };
}

export interface Coin {
  outpoint: { transactionId: string; index: number };
  entry: UtxoEntry;
  wallet: Wallet;
}

export function fund(devnet: Devnet, wallet: Wallet, amount: bigint, mature = true): Coin {
  const outpoint = devnet.fund(wallet.address, amount, { mature });
  const entry = { amount, scriptPublicKey: addressToScriptPublicKey(wallet.address), blockDaaScore: devnet.virtualDaaScore(), isCoinbase: !mature };
  return { outpoint, entry, wallet };
}

/** The output of a transaction still in the mempool, as a coin a child may spend. */
export function pendingOutput(parent: Built, index: number, wallet: Wallet, amount: bigint): Coin {
  return {
    outpoint: { transactionId: parent.id, index },
    entry: { amount, scriptPublicKey: addressToScriptPublicKey(wallet.address), blockDaaScore: (1n << 64n) - 1n, isCoinbase: false },
    wallet,
  };
}

export interface Built {
  id: string;
  tx: Transaction;
  json: Record<string, unknown>;
}

export interface BuildOptions {
  version?: number;
  /** Signs input 0 with another wallet. */
  signWith?: Wallet;
  /** Changes the transaction after signing. */
  tamper?: (t: Transaction) => void;
  commit?: { sigOpCount: number; computeBudget?: number };
  /** Fields set before signing. */
  fields?: Partial<Pick<Transaction, "lockTime" | "subnetworkId" | "gas" | "payload">>;
  sequence?: bigint;
  /** Leaves signature scripts empty (for rejections that come before script checks). */
  unsigned?: boolean;
}

/** Signs every input with SIGHASH_ALL, or as opts say. */
export function build(coins: Coin[], outputs: Array<[string, bigint]>, opts: BuildOptions = {}): Built {
  const version = opts.version ?? 0;
  const commit = opts.commit ?? (version === 0 ? { sigOpCount: 1 } : { sigOpCount: 0, computeBudget: 10 });
  const tx: Transaction = {
    version,
    inputs: coins.map((c): TxInput => ({ previousOutpoint: c.outpoint, signatureScript: "", sequence: opts.sequence ?? 0n, ...commit })),
    outputs: outputs.map(([address, value]) => ({ value, scriptPublicKey: addressToScriptPublicKey(address), covenant: null })),
    lockTime: 0n, subnetworkId: SUBNETWORK_NATIVE, gas: 0n, payload: "",
    ...opts.fields,
  };
  const entries = coins.map((c) => c.entry);
  if (!opts.unsigned) {
    tx.inputs.forEach((input, i) => {
      const wallet = i === 0 && opts.signWith ? opts.signWith : coins[i]!.wallet;
      input.signatureScript = wallet.sign(tx, i, entries);
    });
  }
  opts.tamper?.(tx);
  return { id: transactionId(tx), tx, json: rpcJson(tx) };
}

function rpcJson(tx: Transaction): Record<string, unknown> {
  return {
    ...tx,
    inputs: tx.inputs.map((i) => ({ ...i, verboseData: null })),
    outputs: tx.outputs.map((o) => ({ ...o, verboseData: null })),
    storageMass: 0, verboseData: null,
  };
}

/** submitTransaction and the assertions on its reply, over one client. */
export function submitter(client: WsClient) {
  const submit = (b: Built) => client.request("submitTransaction", { transaction: b.json, allowOrphan: false });
  return {
    submit,
    async accepted(b: Built): Promise<void> {
      const reply = await submit(b);
      expect(reply.error).toBeUndefined();
      expect(reply.params).toEqual({ transactionId: b.id });
    },
    async rejected(b: Built, reason: string | RegExp): Promise<void> {
      const reply = await submit(b);
      expect(reply.params).toBeUndefined();
      if (typeof reason === "string") expect(reply.error.message).toBe(`Rejected transaction ${b.id}: ${reason}`);
      else {
        expect(reply.error.message).toStartWith(`Rejected transaction ${b.id}: `);
        expect(reply.error.message).toMatch(reason);
      }
    },
  };
}

/** Resolves right after `client` hears the next tick, with its DAA score: the caller has a whole tick interval
 * before the mempool is committed. */
export async function nextTick(client: WsClient): Promise<number> {
  client.drain();
  const n = await client.notification("virtualDaaScoreChangedNotification");
  return n.params.VirtualDaaScoreChanged.virtualDaaScore;
}

/** A devnet and a client subscribed to its ticks, for one test file: stopped after its last test. */
export async function txDevnet(opts: DevnetOptions) {
  const devnet = await startDevnet(opts);
  const client = await WsClient.connect(devnet.url);
  afterAll(async () => {
    client.close();
    await devnet.stop();
  });
  const tx = submitter(client);
  await client.call("subscribe", { VirtualDaaScoreChanged: {} });
  return { devnet, client, tx, nextTick: () => nextTick(client) };
}
