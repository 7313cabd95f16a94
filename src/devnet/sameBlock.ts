// A submitted block must be the served template with only header.nonce changed. The node would catch any other
// change through the merkle root, the block hash or a mass check; the simulator is stricter and names the field,
// so a pool that drops or rewrites a field it does not know fails loudly in tests.

import { isJsonObject as isObject } from "../common/json.ts";

/** Path of the first difference between template and submitted block ("" when equal), ignoring header.nonce. */
export function firstDifference(template: unknown, submitted: unknown): string {
  return diff(template, submitted, "block");
}

function diff(a: unknown, b: unknown, path: string): string {
  if (isNumeric(a) || isNumeric(b)) return sameNumber(a, b) ? "" : path;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return "";
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return path;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (path === "block.header" && key === "nonce") continue;
      if (!(key in a) || !(key in b)) return `${path}.${key}`;
      const d = diff(a[key], b[key], `${path}.${key}`);
      if (d) return d;
    }
    return "";
  }
  return a === b ? "" : path;
}

function isNumeric(v: unknown): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** Integers compare exactly whatever their JS type (parseJson gives bigint only above 2^53). */
function sameNumber(a: unknown, b: unknown): boolean {
  if (!isNumeric(a) || !isNumeric(b)) return false;
  const ai = typeof a === "bigint" || Number.isInteger(a);
  const bi = typeof b === "bigint" || Number.isInteger(b);
  if (ai && bi) return BigInt(a) === BigInt(b);
  return a === b;
}
