// Runs an input's scripts the way rusty-kaspa's engine does (crypto/txscript/src/lib.rs execute_inner,
// opcodes/mod.rs) for the standard spend forms: pay-to-pubkey (Schnorr), pay-to-pubkey-ECDSA and
// pay-to-script-hash whose redeem script uses pushes, OP_EQUAL, OP_BLAKE2B, OP_CHECKSIG[ECDSA] and
// OP_CHECKMULTISIG[ECDSA]. Script units are metered against the input's commitment as in Toccata
// (consensus/core/src/mass/units.rs). Failures carry the engine's TxScriptError texts; an opcode outside that
// set is refused with our own text, so the devnet never accepts a script it did not really run.

import { blake2b } from "@noble/hashes/blake2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { schnorr, secp256k1 } from "@noble/curves/secp256k1.js";
import { hexToBytes } from "../../common/hex.ts";
import {
  asBool, OP_BLAKE2B, OP_CHECKMULTISIG, OP_CHECKMULTISIGECDSA, OP_CHECKSIG, OP_CHECKSIGECDSA, OP_EQUAL, parseScript,
  ScriptError, scriptNumber,
} from "./script.ts";
import { isValidSigHashType, sigHash } from "./sighash.ts";
import type { Transaction, UtxoEntry } from "./types.ts";

/** mass/units.rs: 100 script units per gram; a sig-op commitment is 1000 grams, a budget unit 100 grams,
 * and every input gets one unit less than a budget unit free. */
const UNITS_PER_SIGOP_COUNT = 100_000n;
const UNITS_PER_BUDGET_UNIT = 10_000n;
const FREE_UNITS_PER_INPUT = UNITS_PER_BUDGET_UNIT - 1n;
/** Every signature check costs the price of one sig-op (mass_per_sig_op 1000 grams). */
const SIGOP_UNITS = 100_000n;
const BLAKE2B_UNITS_PER_BYTE = 2n;
const MAX_PUB_KEYS_PER_MULTISIG = 20;
const P2SH = /^0000aa20[0-9a-f]{64}87$/;
/** sha256("TransactionSigningHashECDSA"), the prefix of the ECDSA sighash (crypto/hashes sha256_hasher!). */
const ECDSA_DOMAIN = sha256(new TextEncoder().encode("TransactionSigningHashECDSA"));

/** The ECDSA signature hash of a Schnorr signature hash (sighash.rs calc_ecdsa_signature_hash). */
export function ecdsaSigHash(schnorrHash: Uint8Array): Uint8Array {
  const data = new Uint8Array(32 + schnorrHash.length);
  data.set(ECDSA_DOMAIN, 0);
  data.set(schnorrHash, 32);
  return sha256(data);
}

/** The script units an input may spend: its commitment (sig-op count for v0, compute budget for v1) plus the free allowance. */
export function allowedScriptUnits(tx: Transaction, inputIndex: number): bigint {
  const input = tx.inputs[inputIndex]!;
  const committed = tx.version >= 1 ? BigInt(input.computeBudget ?? 0) * UNITS_PER_BUDGET_UNIT : BigInt(input.sigOpCount) * UNITS_PER_SIGOP_COUNT;
  return committed + FREE_UNITS_PER_INPUT;
}

class Engine {
  stack: Uint8Array[] = [];
  private used = 0n;

  constructor(private readonly tx: Transaction, private readonly index: number, private readonly utxos: UtxoEntry[], private readonly limit: bigint) {}

  private consume(units: bigint): void {
    if (this.used + units > this.limit) throw new ScriptError(`script units exceeded the amount committed in the input: used=${this.used + units}, limit=${this.limit}`);
    this.used += units;
  }

  private pop(n: number): Uint8Array[] {
    if (this.stack.length < n) throw new ScriptError(`opcode requires at least ${n} but stack has only ${this.stack.length}`);
    return this.stack.splice(this.stack.length - n, n);
  }

  /** A computed (not literal) push is charged one unit per byte. */
  private pushMetered(item: Uint8Array): void {
    this.consume(BigInt(item.length));
    this.stack.push(item);
  }

  private pushBool(v: boolean): void {
    this.pushMetered(v ? Uint8Array.of(1) : new Uint8Array(0));
  }

  run(script: Uint8Array, pushOnly: boolean): void {
    for (const op of parseScript(script)) {
      if (op.push) {
        this.stack.push(op.push);
        continue;
      }
      if (pushOnly) throw new ScriptError("signature script is not push only");
      switch (op.code) {
        case OP_EQUAL: {
          const [a, b] = this.pop(2);
          this.pushBool(a!.length === b!.length && a!.every((x, i) => x === b![i]));
          break;
        }
        case OP_BLAKE2B: {
          const [data] = this.pop(1);
          this.consume(BigInt(data!.length) * BLAKE2B_UNITS_PER_BYTE);
          this.pushMetered(blake2b(data!, { dkLen: 32 }));
          break;
        }
        case OP_CHECKSIG:
        case OP_CHECKSIGECDSA: {
          const [sig, key] = this.pop(2);
          if (sig!.length === 0) this.pushBool(false);
          else this.pushBool(this.checkSignature(op.code === OP_CHECKSIGECDSA, key!, sig!));
          break;
        }
        case OP_CHECKMULTISIG:
        case OP_CHECKMULTISIGECDSA:
          this.checkMultisig(op.code === OP_CHECKMULTISIGECDSA);
          break;
        default:
          throw new ScriptError(`opcode 0x${op.code.toString(16).padStart(2, "0")} is outside the standard forms the devnet runs`);
      }
    }
  }

  /** opcodes OpCheckSig / OpCheckSigECDSA: the last byte is the sighash type, the sig-op is paid before parsing. */
  private checkSignature(ecdsa: boolean, key: Uint8Array, sigWithType: Uint8Array): boolean {
    const hashType = sigWithType[sigWithType.length - 1]!;
    if (!isValidSigHashType(hashType)) throw new ScriptError(`invalid hash type 0x${hashType.toString(16).padStart(2, "0")}`);
    const sig = sigWithType.subarray(0, sigWithType.length - 1);
    this.consume(SIGOP_UNITS);
    const hash = sigHash(this.tx, this.index, this.utxos, hashType);
    if (ecdsa) {
      if (key.length !== 33) throw new ScriptError("unsupported public key type");
      try {
        secp256k1.Point.fromBytes(key);
      } catch {
        throw new ScriptError("pubkey invalid: malformed public key");
      }
      if (sig.length !== 64) throw new ScriptError("signature invalid: malformed signature");
      try {
        return secp256k1.verify(sig, ecdsaSigHash(hash), key, { prehash: false, lowS: true });
      } catch {
        throw new ScriptError("signature invalid: malformed signature");
      }
    }
    try {
      schnorr.utils.lift_x(bytesToBigInt(key, 32));
    } catch {
      throw new ScriptError("pubkey invalid: malformed public key");
    }
    if (sig.length !== 64) throw new ScriptError("signature invalid: malformed signature");
    try {
      return schnorr.verify(sig, hash, key);
    } catch {
      return false;
    }
  }

  /** lib.rs op_check_multisig_schnorr_or_ecdsa: no dummy element; each check consumes a key; NULLFAIL. */
  private checkMultisig(ecdsa: boolean): void {
    const [nKeysRaw] = this.pop(1);
    const nKeys = scriptNumber(nKeysRaw!);
    if (nKeys < 0) throw new ScriptError(`invalid pubkey count: number of pubkeys ${nKeys} is negative`);
    if (nKeys > MAX_PUB_KEYS_PER_MULTISIG) throw new ScriptError(`invalid pubkey count: too many pubkeys ${nKeys} > ${MAX_PUB_KEYS_PER_MULTISIG}`);
    if (this.stack.length < nKeys) throw new ScriptError(`opcode requires at least ${nKeys} but stack has only ${this.stack.length}`);
    const keys = this.stack.splice(this.stack.length - nKeys, nKeys);
    const [nSigsRaw] = this.pop(1);
    const nSigs = scriptNumber(nSigsRaw!);
    if (nSigs < 0) throw new ScriptError(`invalid signature count: number of signatures ${nSigs} is negative`);
    if (nSigs > nKeys) throw new ScriptError(`invalid signature count: more signatures than pubkeys ${nSigs} > ${nKeys}`);
    if (this.stack.length < nSigs) throw new ScriptError(`opcode requires at least ${nSigs} but stack has only ${this.stack.length}`);
    const sigs = this.stack.splice(this.stack.length - nSigs, nSigs);
    let failed = false;
    let k = 0;
    outer: for (let s = 0; s < sigs.length; s++) {
      const sig = sigs[s]!;
      if (sig.length === 0) {
        failed = true;
        break;
      }
      const hashType = sig[sig.length - 1]!;
      if (!isValidSigHashType(hashType)) throw new ScriptError(`invalid hash type 0x${hashType.toString(16).padStart(2, "0")}`);
      for (;;) {
        if (keys.length - k < nSigs - s) {
          failed = true;
          break outer;
        }
        if (this.checkSignature(ecdsa, keys[k++]!, sig)) break;
      }
    }
    if (failed && sigs.some((sig) => sig.length > 0)) throw new ScriptError("not all signatures empty on failed checkmultisig");
    this.pushBool(!failed);
  }

  /** check_error_condition: the top entry must be true, and at the very end it must be the only one. */
  finish(final: boolean): void {
    if (final && this.stack.length > 1) throw new ScriptError(`stack contains ${this.stack.length - 1} unexpected items`);
    if (final && this.stack.length === 0) throw new ScriptError("attempt to read from empty stack");
    const [top] = this.pop(1);
    if (!asBool(top!)) throw new ScriptError("false stack entry at end of script execution");
  }
}

const bytesToBigInt = (b: Uint8Array, len: number): bigint => {
  if (b.length !== len) throw new RangeError("wrong key length");
  return BigInt("0x" + Buffer.from(b).toString("hex"));
};

/** null if input `inputIndex` spends its UTXO validly, else the engine's error text (TxScriptError Display). */
export function checkInputScript(tx: Transaction, inputIndex: number, utxos: UtxoEntry[]): string | null {
  const input = tx.inputs[inputIndex];
  const utxo = utxos[inputIndex];
  if (!input || !utxo) return "no such input";
  const spkHex = utxo.scriptPublicKey.toLowerCase();
  const sigScript = hexToBytes(input.signatureScript);
  const spkScript = hexToBytes(spkHex.slice(4));
  if (sigScript.length === 0 && spkScript.length === 0) return "false stack entry at end of script execution";
  const engine = new Engine(tx, inputIndex, utxos, allowedScriptUnits(tx, inputIndex));
  try {
    engine.run(sigScript, true);
    const saved = [...engine.stack];
    engine.run(spkScript, false);
    if (P2SH.test(spkHex)) {
      engine.finish(false);
      engine.stack = saved;
      const redeem = engine.stack.pop();
      if (!redeem) return "attempt to read from empty stack";
      engine.run(redeem, false);
    }
    engine.finish(true);
    return null;
  } catch (err) {
    if (err instanceof ScriptError) return err.message;
    throw err;
  }
}

/** true iff the input's scripts run to success (see checkInputScript). */
export function verifyInputSignature(tx: Transaction, inputIndex: number, utxos: UtxoEntry[]): boolean {
  return checkInputScript(tx, inputIndex, utxos) === null;
}
