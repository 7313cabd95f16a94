// `check-block FILE`: checks the proof of work of one header given in the node's RPC JSON form.
// Exit code 0 when pow <= target(bits), 1 when not, 2 when the file cannot be read or is not a header.

import { readFile } from "node:fs/promises";
import { bytesToHex } from "../common/hex.ts";
import { parseJson } from "../common/json.ts";
import { blockHash, parseHeader, prePowHash, type Header } from "../kaspa/header.ts";
import { PowState } from "../kaspa/pow/index.ts";
import { bitsToTarget } from "../kaspa/target.ts";

const hex256 = (v: bigint) => v.toString(16).padStart(64, "0");

export async function runCheckBlock(file: string): Promise<number> {
  let header: Header;
  try {
    header = parseHeader(parseJson(await readFile(file, "utf8")));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    console.error(`check-block: ${file}: ${reason.split("\n")[0]}`);
    return 2;
  }
  const pre = prePowHash(header);
  const pow = new PowState(pre, header.timestamp).pow(header.nonce);
  const target = bitsToTarget(header.bits);
  const valid = pow <= target;
  console.log(`block hash:   ${blockHash(header)}`);
  console.log(`pre-PoW hash: ${bytesToHex(pre)}`);
  console.log(`pow:          ${hex256(pow)}`);
  console.log(`target:       ${hex256(target)}`);
  console.log(valid ? "valid: pow <= target" : "INVALID: pow > target");
  return valid ? 0 : 1;
}
