import { describe, expect, test } from "bun:test";
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "../../src/common/hex.ts";
import { parseJson } from "../../src/common/json.ts";
import {
  coinbasePayload, computeMass, minimumFee, parseTransaction, sigHash, SIGHASH_ALL, SIGHASH_ANYONECANPAY, SIGHASH_NONE,
  SIGHASH_SINGLE, SUBNETWORK_COINBASE, SUBNETWORK_NATIVE, transactionId, verifyInputSignature, checkInputScript, ecdsaSigHash, p2shSigOps,
  type Transaction, type TxInput, type TxOutput, type UtxoEntry,
} from "../../src/kaspa/tx/index.ts";
import { devnetBlocks } from "./helpers.ts";

const ZERO = "0".repeat(64);
const subnetwork = (firstByte: number) => firstByte.toString(16).padStart(2, "0") + "0".repeat(38);
const tx = (t: Partial<Transaction>): Transaction => ({
  version: 0, inputs: [], outputs: [], lockTime: 0n, subnetworkId: SUBNETWORK_NATIVE, gas: 0n, payload: "", ...t,
});

describe("transaction ids (rusty-kaspa hashing/tx.rs tests)", () => {
  const input: TxInput = { previousOutpoint: { transactionId: ZERO, index: 2 }, signatureScript: "0102", sequence: 7n, sigOpCount: 5 };
  const input2: TxInput = { ...input, previousOutpoint: { transactionId: "59b3d6dc6cdc660c389c3fdb5704c48c598d279cdf1bab54182db586a4c95dd5", index: 2 } };
  const output: TxOutput = { value: 1564n, scriptPublicKey: "0007" + "0102030405" };
  const cases: Array<[string, Transaction, string]> = [
    ["#1 empty", tx({}), "2c18d5e59ca8fc4c23d9560da3bf738a8f40935c11c162017fbf2c907b7e665c"],
    ["#2 one input", tx({ inputs: [input] }), "b2d65ae36e123eb73f253176d7234a57656b84d0d60b9fc746ab0d0f085c9cc7"],
    ["#3 one output", tx({ inputs: [input], outputs: [output] }), "67289b12146d1b5ef384332137399791a5cfe89506ff31688b0d95ae821d0a0c"],
    ["#4 lock time and gas", tx({ inputs: [input], outputs: [output], lockTime: 54n, gas: 3n }), "7cd34b788d7d230970d4bfd955c34c5abc49e3bcdd5adb03a77bb71d05554401"],
    ["#5 outpoint", tx({ inputs: [input2], outputs: [output], lockTime: 54n, gas: 3n }), "c9dd78e818445f617a28348d6db752142e2fab440effa58140ad2773e638b628"],
    ["#6 coinbase", tx({ outputs: [output], lockTime: 54n, gas: 3n, subnetworkId: SUBNETWORK_COINBASE }), "2578783ec93c3a02414a228e10b1b5af298623254775f972f97df08d4ec28c8f"],
    ["#7 registry", tx({ inputs: [input2], outputs: [output], lockTime: 54n, gas: 3n, subnetworkId: subnetwork(2) }), "3f6cea6d7ac8f6b2f86209fa748ea0ef5a1d5d380d43b79e77d52e770bb9a7b9"],
    ["#8 payload", tx({ inputs: [input2], outputs: [output], lockTime: 54n, gas: 3n, subnetworkId: subnetwork(2), payload: "010203" }), "4acda997dfb31c6518224c9ac00d0777fc7cbecdab461be3c0816b1cba19a056"],
    ["#10 version 1", tx({ version: 1, inputs: [input2], outputs: [output], lockTime: 54n, gas: 3n, subnetworkId: subnetwork(2), payload: "010203" }), "a08a500b21be3e692c080b14e399fcfa2cfa01b25c08f2f8e7414d1c116e8d18"],
  ];
  for (const [name, t, id] of cases) test(name, () => expect(transactionId(t)).toBe(id));

  test("#11-#14 version 1 ids ignore compute budgets and sig-op counts", () => {
    const v1 = (commit: Partial<TxInput>) =>
      tx({ version: 1, inputs: [{ previousOutpoint: { transactionId: ZERO, index: 0 }, signatureScript: "", sequence: 0n, sigOpCount: 0, ...commit }] });
    for (const commit of [{ computeBudget: 111 }, { computeBudget: 222 }, { sigOpCount: 111 }, { sigOpCount: 222 }]) {
      expect(transactionId(v1(commit))).toBe("5978e7aa1a9ba8fdf12dae6aa39aa198a91985e91192b291e207d4d6246349e6");
    }
  });

  test("signature scripts do not change a v0 id; a v1 output covenant changes the v1 id", () => {
    const base = tx({ inputs: [input], outputs: [output] });
    expect(transactionId({ ...base, inputs: [{ ...input, signatureScript: "41" + "00".repeat(65) }] })).toBe(transactionId(base));
    const v1 = { ...base, version: 1 };
    const withCovenant = { ...v1, outputs: [{ ...output, covenant: { authorizingInput: 0, covenantId: "11".repeat(32) } }] };
    expect(transactionId(withCovenant)).not.toBe(transactionId(v1));
  });
});

describe("sighash (rusty-kaspa hashing/sighash.rs tests)", () => {
  const prev = "880eb9819a31821d9d2399e2f35e2433b72637e393d71ecc9b8d0250f49153c3";
  const spk1 = "0000208325613d2eeaf7176ac6c670b13c0043156c427438ed72d74b7800862ad884e8ac";
  const spk2 = "000020fcef4c106cf11135bbd70f02a726a92162d2fb8b22f0469126f800862ad884e8ac";
  const inputs = [0, 1, 2].map((i): TxInput => ({ previousOutpoint: { transactionId: prev, index: i }, signatureScript: "", sequence: BigInt(i), sigOpCount: 0 }));
  const native = tx({ inputs, outputs: [{ value: 300n, scriptPublicKey: spk2 }, { value: 300n, scriptPublicKey: spk1 }], lockTime: 1615462089000n });
  const utxos: UtxoEntry[] = [[100n, spk1], [200n, spk2], [300n, spk2]].map(([amount, spk]) => ({
    amount: amount as bigint, scriptPublicKey: spk as string, blockDaaScore: 0n, isCoinbase: false,
  }));
  const ACP = SIGHASH_ANYONECANPAY;
  const cases: Array<[string, Transaction, number, number, string]> = [
    ["all", native, SIGHASH_ALL, 0, "03b7ac6927b2b67100734c3cc313ff8c2e8b3ce3e746d46dd660b706a916b1f5"],
    ["all|anyonecanpay", native, SIGHASH_ALL | ACP, 0, "24821e466e53ff8e5fa93257cb17bb06131a48be4ef282e87f59d2bdc9afebc2"],
    ["none", native, SIGHASH_NONE, 0, "38ce4bc93cf9116d2e377b33ff8449c665b7b5e2f2e65303c543b9afdaa4bbba"],
    ["none|anyonecanpay", native, SIGHASH_NONE | ACP, 0, "06aa9f4239491e07bb2b6bda6b0657b921aeae51e193d2c5bf9e81439cfeafa0"],
    ["single", native, SIGHASH_SINGLE, 0, "44a0b407ff7b239d447743dd503f7ad23db5b2ee4d25279bd3dffaf6b474e005"],
    ["single, no matching output", native, SIGHASH_SINGLE, 2, "022ad967192f39d8d5895d243e025ec14cc7a79708c5e364894d4eff3cecb1b0"],
    ["single|anyonecanpay", native, SIGHASH_SINGLE | ACP, 0, "43b20aba775050cf9ba8d5e48fc7ed2dc6c071d23f30382aea58b7c59cfb8ed7"],
    ["single|anyonecanpay, no matching output", native, SIGHASH_SINGLE | ACP, 2, "846689131fb08b77f83af1d3901076732ef09d3f8fdff945be89aa4300562e5f"],
    ["subnetwork with gas and payload", { ...native, subnetworkId: "0102030405060708090a" + "0".repeat(20), gas: 250n, payload: "0a0b0c0d0e0f1011121314" }, SIGHASH_ALL, 0, "b2f421c933eb7e1a91f1d9e1efa3f120fe419326c0dbac487752189522550e0c"],
  ];
  for (const [name, t, type, index, expected] of cases) {
    test(name, () => expect(bytesToHex(sigHash(t, index, utxos, type))).toBe(expected));
  }
  test("version 1 (compute budgets 11/22/33 are not signed)", () => {
    const budgets = [11, 22, 33];
    const v1 = { ...native, version: 1, inputs: inputs.map((i, k) => ({ ...i, computeBudget: budgets[k] })) };
    expect(bytesToHex(sigHash(v1, 0, utxos))).toBe("5b2657524be672e019897646b56da3d192b453d78ae5e6e5c07f029a69f5f075");
    const otherBudgets = { ...v1, inputs: v1.inputs.map((i) => ({ ...i, computeBudget: 99 })) };
    expect(bytesToHex(sigHash(otherBudgets, 0, utxos))).toBe("5b2657524be672e019897646b56da3d192b453d78ae5e6e5c07f029a69f5f075");
  });
  test("bad index or sighash type throws", () => {
    expect(() => sigHash(native, 3, utxos)).toThrow(RangeError);
    expect(() => sigHash(native, 0, utxos, 0x03)).toThrow(/invalid sighash type/);
  });
});

describe("verifyInputSignature", () => {
  const priv = hexToBytes("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
  const pk = bytesToHex(schnorr.getPublicKey(priv));
  const spk = `000020${pk}ac`;
  const utxos: UtxoEntry[] = [{ amount: 2_000_000_000n, scriptPublicKey: spk, blockDaaScore: 10n, isCoinbase: false }];
  const unsigned = tx({
    inputs: [{ previousOutpoint: { transactionId: "ab".repeat(32), index: 1 }, signatureScript: "", sequence: 0n, sigOpCount: 1 }],
    outputs: [{ value: 1_999_000_000n, scriptPublicKey: spk }],
  });
  const signed = (t: Transaction, type = SIGHASH_ALL): Transaction => {
    const sig = schnorr.sign(sigHash(t, 0, utxos, type), priv, new Uint8Array(32));
    return { ...t, inputs: [{ ...t.inputs[0]!, signatureScript: "41" + bytesToHex(sig) + type.toString(16).padStart(2, "0") }] };
  };

  test("a correct signature verifies, for v0 and v1 and for other sighash types", () => {
    expect(verifyInputSignature(signed(unsigned), 0, utxos)).toBe(true);
    expect(verifyInputSignature(signed(unsigned, SIGHASH_SINGLE | SIGHASH_ANYONECANPAY), 0, utxos)).toBe(true);
    const v1 = { ...unsigned, version: 1, inputs: [{ ...unsigned.inputs[0]!, sigOpCount: 0, computeBudget: 10 }] };
    expect(verifyInputSignature(signed(v1), 0, utxos)).toBe(true);
  });
  test("tampering or a wrong key fails", () => {
    const good = signed(unsigned);
    expect(verifyInputSignature({ ...good, outputs: [{ ...good.outputs[0]!, value: 1_999_000_001n }] }, 0, utxos)).toBe(false);
    expect(verifyInputSignature(good, 0, [{ ...utxos[0]!, amount: 2_000_000_001n }])).toBe(false);
    const otherKey = bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(3)));
    expect(verifyInputSignature(good, 0, [{ ...utxos[0]!, scriptPublicKey: `000020${otherKey}ac` }])).toBe(false);
    const script = good.inputs[0]!.signatureScript;
    const flipped = script.slice(0, 10) + (script[10] === "0" ? "1" : "0") + script.slice(11);
    expect(verifyInputSignature({ ...good, inputs: [{ ...good.inputs[0]!, signatureScript: flipped }] }, 0, utxos)).toBe(false);
  });
  test("malformed scripts fail instead of throwing", () => {
    const good = signed(unsigned);
    const withScript = (s: string) => ({ ...good, inputs: [{ ...good.inputs[0]!, signatureScript: s }] });
    const script = good.inputs[0]!.signatureScript;
    expect(verifyInputSignature(withScript(script.slice(0, -2)), 0, utxos)).toBe(false); // no sighash type
    expect(verifyInputSignature(withScript("40" + script.slice(2)), 0, utxos)).toBe(false); // wrong push opcode
    expect(verifyInputSignature(withScript(script.slice(0, -2) + "03"), 0, utxos)).toBe(false); // invalid type
    expect(verifyInputSignature(good, 0, [{ ...utxos[0]!, scriptPublicKey: `000021${pk}02ab` }])).toBe(false); // not P2PK Schnorr
    expect(verifyInputSignature(good, 1, utxos)).toBe(false);
  });
});

describe("checkInputScript: the engine's texts for the standard forms", () => {
  const priv = hexToBytes("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
  const spk = `000020${bytesToHex(schnorr.getPublicKey(priv))}ac`;
  const utxos: UtxoEntry[] = [{ amount: 2_000_000_000n, scriptPublicKey: spk, blockDaaScore: 10n, isCoinbase: false }];
  const withScript = (signatureScript: string, sigOpCount = 1) => tx({
    inputs: [{ previousOutpoint: { transactionId: "ab".repeat(32), index: 1 }, signatureScript, sequence: 0n, sigOpCount }],
    outputs: [{ value: 1_999_000_000n, scriptPublicKey: spk }],
  });
  const sig = (t: Transaction) => "41" + bytesToHex(schnorr.sign(sigHash(t, 0, utxos), priv, new Uint8Array(32))) + "01";

  test("ECDSA sighash = sha256(sha256(domain) || schnorr sighash) (crypto/hashes hashers.rs incremental vector #3)", () => {
    const input = Uint8Array.from([1, 5, 199, 126, 44, 71, 32, 82, 139, 122, 217, 43, 48, 52, 112, 40, 209, 180, 83, 139, 231, 72, 48, 136, 48, 168, 226, 133, 7, 60, 4, 160, 205]);
    expect(bytesToHex(ecdsaSigHash(input))).toBe("49085f99fa0084b5436663f757a5916b1e4290c3321707fb76921ed4e47844ec");
  });

  test("extra stack items, a non-push signature script, an empty one and a short budget each fail with the engine's text", () => {
    const t = withScript("");
    const good = sig(t);
    expect(checkInputScript(withScript(good), 0, utxos)).toBeNull();
    expect(checkInputScript(withScript("51" + good), 0, utxos)).toBe("stack contains 1 unexpected items");
    expect(checkInputScript(withScript(good + "ac"), 0, utxos)).toBe("signature script is not push only");
    expect(checkInputScript(withScript(""), 0, utxos)).toBe("opcode requires at least 2 but stack has only 1");
    expect(checkInputScript(withScript(good.slice(0, -2) + "03"), 0, utxos)).toBe("invalid hash type 0x03");
    expect(checkInputScript(withScript("4c"), 0, utxos)).toBe("opcode requires 1 bytes, but script only has 0 remaining");
    expect(checkInputScript(withScript(good, 0), 0, utxos)).toBe("script units exceeded the amount committed in the input: used=100000, limit=9999");
  });

  test("P2SH sig-op counting follows p2sh_sig_scanner: OP_n before CHECKMULTISIG, else 20", () => {
    const key = "21" + "02".repeat(33);
    const push = (hex: string) => "4c" + (hex.length / 2).toString(16).padStart(2, "0") + hex;
    expect(p2shSigOps(hexToBytes(push("52" + key + key + key + "53ae")))).toBe(3);
    expect(p2shSigOps(hexToBytes(push(key + "ab" + key + "ae")))).toBe(21);
    expect(p2shSigOps(hexToBytes("4c"))).toBe(0);
  });
});

describe("mass and minimum fee (node-rpc.md §8)", () => {
  const spk = `000020${"11".repeat(32)}ac`;
  const entry = (amount: bigint): UtxoEntry => ({ amount, scriptPublicKey: spk, blockDaaScore: 0n, isCoinbase: false });
  const spend = (ins: bigint[], outs: bigint[], signatureScript = "") =>
    tx({
      inputs: ins.map((_, i) => ({ previousOutpoint: { transactionId: ZERO, index: i }, signatureScript, sequence: 0n, sigOpCount: 1 })),
      outputs: outs.map((value) => ({ value, scriptPublicKey: spk })),
    });

  test("1-in/2-out P2PK v0: 316 bytes, compute 2036, minimum fee 203,600 sompi", () => {
    const t = spend([3_000_000_000n], [500_000_000n, 1_499_796_400n], "41" + "00".repeat(65));
    const mass = computeMass(t, [entry(3_000_000_000n)]);
    expect(mass.compute).toBe(2036n);
    expect(mass.transient).toBe(316n * 4n);
    expect(minimumFee(mass)).toBe(203_600n);
  });
  test("v1 adds 2 bytes per input and 100 grams per compute budget unit", () => {
    const v0 = spend([3_000_000_000n], [1_000_000_000n], "41" + "00".repeat(65));
    const v1 = { ...v0, version: 1, inputs: v0.inputs.map((i) => ({ ...i, sigOpCount: 0, computeBudget: 10 })) };
    const m0 = computeMass(v0, [entry(3_000_000_000n)]);
    const m1 = computeMass(v1, [entry(3_000_000_000n)]);
    expect(m1.compute - m0.compute).toBe(2n + 10n * 100n - 1000n);
    expect(m1.transient - m0.transient).toBe(8n);
  });
  test("transient mass decides the fee when it is larger than compute mass", () => {
    expect(minimumFee({ compute: 1000n, transient: 3001n })).toBe(1501n * 100n);
    expect(minimumFee({ compute: 0n, transient: 0n })).toBe(100_000n);
  });
  test("storage mass vectors (rusty-kaspa mass/mod.rs test_storage_mass)", () => {
    // These use an empty script: plurality stays 1.
    const emptySpk = "0000";
    const storage = (ins: bigint[], outs: bigint[]) => {
      const t = tx({
        inputs: ins.map((_, i) => ({ previousOutpoint: { transactionId: ZERO, index: i }, signatureScript: "", sequence: 0n, sigOpCount: 0 })),
        outputs: outs.map((value) => ({ value, scriptPublicKey: emptySpk })),
      });
      return computeMass(t, ins.map((amount) => ({ amount, scriptPublicKey: emptySpk, blockDaaScore: 0n, isCoinbase: false }))).storage;
    };
    const C = 10n ** 12n;
    expect(storage([100n, 200n, 300n], [300n, 300n])).toBe(0n);
    expect(storage([100n, 200n, 300n], [50n, 550n])).toBe(C / 50n + C / 550n - 3n * (C / 200n));
    const base = 10_000n * 100_000_000n;
    expect(storage([base, base, base * 2n], [base, base, base, base])).toBe(4n);
    expect(storage([base, base, base * 2n], [10n * 100_000_000n, base, base, base])).toBe(1003n);
    expect(storage([base + 4n, base, base * 2n], [base + 1n, base + 1n, base + 1n, base + 1n])).toBe(0n);
    expect(storage([100n, 200n], [50n, 250n])).toBe(9_000_000_000n);
    expect(storage([100n, 200n], [100n, 200n])).toBe(0n);
    expect(storage([100n, 200n], [50n])).toBe(5_000_000_000n);
  });
  test("coinbase has no mass; mismatched UTXO count and zero outputs are errors", () => {
    expect(computeMass(tx({ subnetworkId: SUBNETWORK_COINBASE, outputs: [{ value: 5n, scriptPublicKey: spk }] }), [])).toEqual({ compute: 0n, storage: 0n, transient: 0n });
    expect(() => computeMass(spend([1n], [1n]), [])).toThrow(/1 inputs but 0 UTXO entries/);
    expect(() => computeMass(spend([1n, 1n], [0n, 1n]), [entry(1n), entry(1n)])).toThrow(/value 0/);
  });
});

describe("parseTransaction", () => {
  const json = `{"version":1,"inputs":[{"previousOutpoint":{"transactionId":"${"AB".repeat(32)}","index":3},"signatureScript":"41ff","sequence":18446744073709551615,"sigOpCount":0,"computeBudget":10,"verboseData":null}],` +
    `"outputs":[{"value":18446744073709551615,"scriptPublicKey":"000020${"11".repeat(32)}ac","verboseData":null,"covenant":null},` +
    `{"value":5,"scriptPublicKey":{"version":0,"script":"51"},"covenant":{"authorizingInput":0,"covenantId":"${"22".repeat(32)}"}}],` +
    `"lockTime":0,"subnetworkId":"${"0".repeat(40)}","gas":0,"payload":"","storageMass":0,"mass":0,"verboseData":null}`;
  test("reads the RPC form exactly, including u64 above 2^53 and both script-key forms", () => {
    const t = parseTransaction(parseJson(json));
    expect(t.inputs[0]!.sequence).toBe(2n ** 64n - 1n);
    expect(t.inputs[0]!.previousOutpoint.transactionId).toBe("ab".repeat(32));
    expect(t.inputs[0]!.computeBudget).toBe(10);
    expect(t.outputs[0]!.value).toBe(2n ** 64n - 1n);
    expect(t.outputs[0]!.covenant).toBeUndefined();
    expect(t.outputs[1]!.scriptPublicKey).toBe("000051");
    expect(t.outputs[1]!.covenant).toEqual({ authorizingInput: 0, covenantId: "22".repeat(32) });
  });
  const bad: Array<[string, (o: any) => void, RegExp]> = [
    ["inputs missing", (o) => delete o.inputs, /transaction\.inputs: expected an array/],
    ["short txid", (o) => (o.inputs[0].previousOutpoint.transactionId = "ab"), /inputs\[0\]\.previousOutpoint\.transactionId: expected 32 bytes/],
    ["negative value", (o) => (o.outputs[1].value = -1), /outputs\[1\]\.value/],
    ["sig-op count above u8", (o) => (o.inputs[0].sigOpCount = 256), /inputs\[0\]\.sigOpCount/],
    ["odd-length payload", (o) => (o.payload = "abc"), /transaction\.payload: expected a hex string/],
    ["subnetwork length", (o) => (o.subnetworkId = "00"), /subnetworkId: expected 20 bytes/],
    ["script key too short", (o) => (o.outputs[0].scriptPublicKey = "00"), /scriptPublicKey: expected a 2-byte version/],
    ["sequence as a float", (o) => (o.inputs[0].sequence = 1.5), /inputs\[0\]\.sequence/],
  ];
  for (const [name, mutate, message] of bad) {
    test(`names the bad field: ${name}`, () => {
      const o = parseJson(json) as any;
      mutate(o);
      expect(() => parseTransaction(o)).toThrow(message);
    });
  }
});

describe("coinbasePayload (kaspa-mining.md §5.1)", () => {
  test("reproduces the coinbase payloads of the devnet blocks", () => {
    const [genesis, block1] = devnetBlocks();
    const payloadOf = (b: { transactions: unknown[] }) => (b.transactions[0] as { payload: string }).payload;
    expect(coinbasePayload(0n, 100_000_000n, "000000", new TextEncoder().encode("kaspa-devnet"))).toBe(payloadOf(genesis!));
    const spk = "000020e63b898663154e30b07da88a2a715908d05334b8565d6573e0313dc3eda9738cac";
    expect(coinbasePayload(1n, 44_000_000_000n, spk, new Uint8Array(0))).toBe(payloadOf(block1!));
  });
  test("enforces the consensus size limits", () => {
    expect(() => coinbasePayload(0n, 0n, "0000" + "00".repeat(151), new Uint8Array(0))).toThrow(/limit is 150/);
    expect(() => coinbasePayload(0n, 0n, "000020" + "11".repeat(32) + "ac", new Uint8Array(200))).toThrow(/limit is 204/);
  });
});
