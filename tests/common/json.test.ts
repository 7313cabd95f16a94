import { describe, expect, test } from "bun:test";
import { isJsonObject, parseJson, parseJsonObject, stringifyJson, toBigInt } from "../../src/common/json.ts";

describe("lossless JSON", () => {
  test("integers above 2^53 parse as exact bigints; others stay numbers", () => {
    const v = parseJson('{"nonce":2867858503974030410,"small":42,"f":2.5,"neg":-9007199254740993,"max":18446744073709551615}') as Record<string, unknown>;
    expect(v.nonce).toBe(2867858503974030410n);
    expect(v.small).toBe(42);
    expect(v.f).toBe(2.5);
    expect(v.neg).toBe(-9007199254740993n);
    expect(v.max).toBe(18446744073709551615n);
  });

  test("a large float is not mistaken for an integer", () => {
    expect(parseJson("[1e300, 1.5e20]")).toEqual([1e300, 1.5e20]);
  });

  test("bigints are written as bare integers and round-trip", () => {
    const text = '{"id":18446744073709551615,"words":[16494456541454081082,1],"s":"x"}';
    expect(stringifyJson(parseJson(text))).toBe(text);
  });

  test("toBigInt accepts integer numbers, bigints and decimal strings only", () => {
    expect(toBigInt(5)).toBe(5n);
    expect(toBigInt(7n)).toBe(7n);
    expect(toBigInt("123456789012345678901")).toBe(123456789012345678901n);
    expect(() => toBigInt(1.5, "amount")).toThrow("amount is not an integer");
    expect(() => toBigInt("0x10")).toThrow();
  });

  test("object messages", () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonObject("{oops")).toEqual({ ok: false, reason: "not JSON" });
    expect(parseJsonObject("[1]")).toEqual({ ok: false, reason: "not a JSON object" });
    expect(isJsonObject(null)).toBe(false);
  });
});
