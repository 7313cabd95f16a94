import { expect, test } from "bun:test";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { withNonce } from "../../src/node/template.ts";
import type { BlockTemplate } from "../../src/node/types.ts";

const text =
  '{"header":{"version":2,"nonce":0,"bits":1,"futureField":[1]},"transactions":[{"outputs":[{"value":18446744073709551615}],' +
  '"storageMass":0,"mass":0,"computeBudget":7,"covenant":null}],"extra":{"a":12345678901234567890}}';

test("replaces only the nonce, in place in the key order, and keeps big integers and unknown fields", () => {
  const template = parseJson(text) as BlockTemplate;
  const solved = withNonce(template, 2n ** 64n - 1n);
  expect(stringifyJson(solved)).toBe(text.replace('"nonce":0', '"nonce":18446744073709551615'));
  expect(stringifyJson(template)).toBe(text);
});

test("refuses a nonce outside u64", () => {
  const template = parseJson(text) as BlockTemplate;
  expect(() => withNonce(template, 2n ** 64n)).toThrow("nonce must be a u64");
  expect(() => withNonce(template, -1n)).toThrow("nonce must be a u64");
});
