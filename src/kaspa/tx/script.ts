// Script parsing for the standard spend forms (rusty-kaspa crypto/txscript/src/opcodes): push opcodes with their
// data, every other opcode as a bare code. Errors carry the engine's TxScriptError texts.

export const OP_0 = 0x00;
export const OP_PUSHDATA1 = 0x4c;
export const OP_PUSHDATA2 = 0x4d;
export const OP_PUSHDATA4 = 0x4e;
export const OP_1NEGATE = 0x4f;
export const OP_1 = 0x51;
export const OP_16 = 0x60;
export const OP_EQUAL = 0x87;
export const OP_CHECKMULTISIGECDSA = 0xa9;
export const OP_BLAKE2B = 0xaa;
export const OP_CHECKSIGECDSA = 0xab;
export const OP_CHECKSIG = 0xac;
export const OP_CHECKMULTISIG = 0xae;

export interface Op {
  code: number;
  /** Bytes a push opcode puts on the stack (OP_1..OP_16 and OP_1NEGATE as their script-number encoding). */
  push?: Uint8Array;
}

export class ScriptError extends Error {
  override readonly name = "ScriptError";
}

/** Splits a script into opcodes; a push running past the end is the engine's MalformedPush. */
export function parseScript(script: Uint8Array): Op[] {
  const ops: Op[] = [];
  let at = 0;
  while (at < script.length) {
    const code = script[at++]!;
    let len = -1;
    if (code === OP_0) len = 0;
    else if (code < OP_PUSHDATA1) len = code;
    else if (code === OP_PUSHDATA1 || code === OP_PUSHDATA2 || code === OP_PUSHDATA4) {
      const width = code === OP_PUSHDATA1 ? 1 : code === OP_PUSHDATA2 ? 2 : 4;
      if (at + width > script.length) throw new ScriptError(`opcode requires ${width} bytes, but script only has ${script.length - at} remaining`);
      len = 0;
      for (let i = width - 1; i >= 0; i--) len = len * 256 + script[at + i]!;
      at += width;
    }
    if (len >= 0) {
      if (at + len > script.length) throw new ScriptError(`opcode requires ${len} bytes, but script only has ${script.length - at} remaining`);
      ops.push({ code, push: script.slice(at, at + len) });
      at += len;
    } else if (code === OP_1NEGATE) ops.push({ code, push: Uint8Array.of(0x81) });
    else if (code >= OP_1 && code <= OP_16) ops.push({ code, push: Uint8Array.of(code - OP_1 + 1) });
    else ops.push({ code });
  }
  return ops;
}

/** A script number (little-endian sign-magnitude, at most 4 bytes for the i32 the engine pops). */
export function scriptNumber(bytes: Uint8Array): number {
  if (bytes.length > 4) throw new ScriptError(`Number too big: numeric value encoded as ${bytesDebug(bytes)} is ${bytes.length} bytes which exceeds the max allowed of 4`);
  if (bytes.length === 0) return 0;
  let n = 0;
  for (let i = bytes.length - 1; i >= 0; i--) n = n * 256 + (i === bytes.length - 1 ? bytes[i]! & 0x7f : bytes[i]!);
  return bytes[bytes.length - 1]! & 0x80 ? -n : n;
}

/** A stack entry as a boolean: any non-zero byte, except a lone sign bit in the last byte (negative zero). */
export function asBool(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0 && !(i === bytes.length - 1 && bytes[i] === 0x80)) return true;
  }
  return false;
}

const bytesDebug = (b: Uint8Array) => `[${[...b].map((x) => x.toString(16).padStart(2, "0")).join(", ")}]`;

/** The signature operations a P2SH redeem script (the signature script's last push) declares, counted as
 * rusty-kaspa's p2sh_sig_scanner does: one per CHECKSIG, the preceding OP_n (else 20) per CHECKMULTISIG. */
export function p2shSigOps(signatureScript: Uint8Array): number {
  let redeem: Uint8Array | undefined;
  try {
    redeem = parseScript(signatureScript).at(-1)?.push;
    if (!redeem) return 0;
    const ops = parseScript(redeem);
    let count = 0;
    ops.forEach((op, i) => {
      if (op.code === OP_CHECKSIG || op.code === OP_CHECKSIGECDSA || op.code === 0xad) count += 1;
      if (op.code === OP_CHECKMULTISIG || op.code === OP_CHECKMULTISIGECDSA || op.code === 0xaf) {
        const prev = ops[i - 1]?.code ?? 0;
        count += prev >= OP_1 && prev <= OP_16 ? prev - OP_1 + 1 : 20;
      }
    });
    return count;
  } catch {
    return 0;
  }
}
