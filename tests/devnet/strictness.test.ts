// What rusty-kaspa refuses, the devnet refuses with the same text (consensus/core/src/errors/tx.rs,
// mining/errors/src/mempool.rs), and the standard spend forms it accepts (ECDSA, P2SH multisig), over a real WebSocket.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { minimumFee, nonContextualMass, SUBNETWORK_COINBASE, type Transaction } from "../../src/kaspa/tx/index.ts";
import { devAddress } from "./fixtures.ts";
import {
  build, ecdsaWallet, fund, KAS, multisigWallet, schnorrWallet, submitter, type BuildOptions, type Built, type Coin, type Wallet,
} from "./txFixtures.ts";
import { WsClient } from "./wsClient.ts";

const ALICE = schnorrWallet(1);
const BOB = devAddress(2);
const U64_MAX = (1n << 64n) - 1n;

let devnet: Devnet;
let client: WsClient;
let tx: ReturnType<typeof submitter>;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, bps: 4, maturity: 8 });
  client = await WsClient.connect(devnet.url);
  tx = submitter(client);
});

afterAll(async () => {
  client.close();
  await devnet.stop();
});

/** Pays `amount` to BOB from coins and the rest, less exactly the minimum relay fee, back to the first coin's wallet. */
function pay(coins: Coin[], amount: bigint, opts: BuildOptions = {}): Built {
  const total = coins.reduce((s, c) => s + c.entry.amount, 0n);
  const change = coins[0]!.wallet.address;
  const draft = build(coins, [[BOB, amount], [change, total - amount]], opts);
  return build(coins, [[BOB, amount], [change, total - amount - minimumFee(nonContextualMass(draft.tx))]], opts);
}

const coin = (wallet: Wallet = ALICE, amount = 2n * KAS) => fund(devnet, wallet, amount);
const coins = (n: number) => Array.from({ length: n }, () => coin(ALICE, KAS));

describe("version, gas and subnetwork", () => {
  test("a version above 1 is unknown", async () => {
    const b = pay([coin()], KAS, { version: 2 });
    await tx.rejected(b, "transaction version 2 is unknown");
  });

  test("gas on a version 0 transaction, or on the native subnetwork, or above the lane limit is refused", async () => {
    await tx.rejected(pay([coin()], KAS, { fields: { gas: 1n } }), "transaction has non-zero gas: gas is only allowed for Toccata-or-newer tx versions");
    await tx.rejected(pay([coin()], KAS, { version: 1, fields: { gas: 1n } }), "transaction has non-zero gas: native / system subnetworks must use zero gas");
    const heavy = pay([coin()], KAS, { version: 1, fields: { gas: 1_000_000_001n } });
    await tx.rejected(heavy, "transaction gas of 1000000001 is larger than max allowed per-lane gas of 1000000000");
  });

  test("a coinbase-subnetwork transaction with inputs, or a reserved subnetwork, is refused", async () => {
    await tx.rejected(pay([coin()], KAS, { fields: { subnetworkId: SUBNETWORK_COINBASE } }), "coinbase transaction has 1 inputs while none are expected");
    const reserved = "02" + "0".repeat(38);
    await tx.rejected(pay([coin()], KAS, { fields: { subnetworkId: reserved } }), `transaction subnetwork id ${reserved} is neither native nor coinbase`);
    const lane = "01020304" + "0".repeat(32);
    await tx.rejected(pay([coin()], KAS, { fields: { subnetworkId: lane } }), `transaction subnetwork id ${lane} is neither native nor coinbase`);
    const badLane = "0102030405" + "0".repeat(30);
    await tx.rejected(pay([coin()], KAS, { version: 1, fields: { subnetworkId: badLane } }), `transaction subnetwork id ${badLane} is neither native nor coinbase`);
  });

  test("a version 1 transaction on a user lane (4-byte namespace) may carry gas, as the node allows", async () => {
    await tx.accepted(pay([coin()], KAS, { version: 1, fields: { subnetworkId: "01020304" + "0".repeat(32), gas: 5n } }));
  });
});

describe("lock time", () => {
  test("a DAA-score lock time not yet reached is refused unless every sequence is final", async () => {
    const future = devnet.virtualDaaScore() + 1000n;
    await tx.rejected(pay([coin()], KAS, { fields: { lockTime: future } }), "transaction input #0 is not finalized");
    await tx.accepted(pay([coin()], KAS, { fields: { lockTime: future }, sequence: U64_MAX }));
    await tx.accepted(pay([coin()], KAS, { fields: { lockTime: devnet.virtualDaaScore() - 1n } }));
  });

  test("a time lock (milliseconds, at or above 500 billion) is judged against the past median time", async () => {
    await tx.rejected(pay([coin()], KAS, { fields: { lockTime: BigInt(Date.now() + 3_600_000) } }), "transaction input #0 is not finalized");
    await tx.accepted(pay([coin()], KAS, { fields: { lockTime: BigInt(Date.now() - 600_000) } }));
  });
});

describe("relative sequence locks", () => {
  test("a relative DAA lock not yet passed is refused; the disable bit lifts it", async () => {
    await tx.rejected(pay([coin()], KAS, { sequence: 1000n }), "one of the transaction sequence locks conditions was not met");
    await tx.accepted(pay([coin()], KAS, { sequence: (1n << 63n) | 1000n }));
  });
});

describe("mass limits", () => {
  test("compute mass above 500,000 is refused before any script runs", async () => {
    const b = build([coin(), coin()], [[BOB, KAS]], { commit: { sigOpCount: 255 }, unsigned: true });
    const { compute } = nonContextualMass(b.tx);
    expect(compute).toBeGreaterThan(500_000n);
    await tx.rejected(b, `transaction compute mass of ${compute} is larger than max allowed size of 500000`);
  });

  test("a signature script long enough for transient mass above 1,000,000 is refused", async () => {
    const long = (t: Transaction) => void (t.inputs[0]!.signatureScript = "4e" + "91d00300" + "00".repeat(250_001));
    const b = build([coin()], [[BOB, KAS]], { tamper: long });
    const { transient } = nonContextualMass(b.tx);
    expect(transient).toBeGreaterThan(1_000_000n);
    await tx.rejected(b, `transaction transient (storage) mass of ${transient} is larger than max allowed size of 1000000`);
  });

  test("storage mass above 500,000 is refused with rusty-kaspa v2's wording", async () => {
    const c = coin();
    const b = build([c], [[BOB, 1_000_000n], [ALICE.address, 2n * KAS - 1_000_000n - KAS / 10n]]);
    await tx.rejected(b, /^Rejected transaction [0-9a-f]{64}: transaction storage mass of \d+ is larger than max allowed size of 500000$/);
  });
});

describe("input and output counts", () => {
  test("more than 1000 inputs or outputs is refused", async () => {
    await tx.rejected(build(coins(1001), [[BOB, KAS]], { unsigned: true }), "transaction has 1001 inputs where the max allowed is 1000");
    const outputs = Array.from({ length: 1001 }, (): [string, bigint] => [BOB, 100_000n]);
    await tx.rejected(build([coin()], outputs, { unsigned: true }), "transaction has 1001 outputs where the max allowed is 1000");
  });
});

describe("standard spend forms", () => {
  test("an ECDSA pay-to-pubkey input verifies; a signature by another key does not", async () => {
    const wallet = ecdsaWallet(3);
    await tx.accepted(pay([coin(wallet)], KAS));
    await tx.rejected(pay([coin(wallet)], KAS, { signWith: ecdsaWallet(4) }), "failed to verify the signature script: false stack entry at end of script execution");
  });

  test("a 2-of-3 Schnorr multisig behind P2SH verifies with two sig-ops committed", async () => {
    const wallet = multisigWallet(2, [5, 6, 7], [5, 6]);
    await tx.accepted(pay([coin(wallet)], KAS, { commit: { sigOpCount: 2 } }));
    await tx.rejected(pay([coin(multisigWallet(2, [5, 6, 7], [5, 8]))], KAS, { commit: { sigOpCount: 3 } }), "failed to verify the signature script: not all signatures empty on failed checkmultisig");
  });

  test("script units are metered against the commitment: too few sig-ops fail, more than needed pass", async () => {
    const wallet = multisigWallet(2, [5, 6, 7], [5, 6]);
    await tx.rejected(pay([coin(wallet)], KAS), "failed to verify the signature script: script units exceeded the amount committed in the input: used=200237, limit=109999");
    await tx.rejected(pay([coin()], KAS, { commit: { sigOpCount: 0 } }), "failed to verify the signature script: script units exceeded the amount committed in the input: used=100000, limit=9999");
    await tx.accepted(pay([coin()], KAS, { commit: { sigOpCount: 2 } }));
  });

  test("an empty signature script fails with the node's own wrapper", async () => {
    await tx.rejected(build([coin()], [[BOB, KAS]], { unsigned: true }), "failed to verify empty signature script. Inner error: opcode requires at least 2 but stack has only 1");
  });

  test("a P2SH redeem script with more than 15 sig-ops is not standard", async () => {
    const keys = Array.from({ length: 16 }, (_, i) => 20 + i);
    const b = pay([coin(multisigWallet(1, keys, [20]))], KAS);
    await tx.rejected(b, `transaction ${b.id} is not standard: transaction input #0 has 16 signature operations which is more than the allowed max amount of 15`);
  });
});
