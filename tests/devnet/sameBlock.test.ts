import { describe, expect, test } from "bun:test";
import { parseJson } from "../../src/common/json.ts";
import { firstDifference } from "../../src/devnet/sameBlock.ts";

const template = () =>
  parseJson(
    '{"header":{"version":2,"nonce":0,"timestamp":1782835200123,"extra":"ab"},' +
      '"transactions":[{"sequence":18446744073709551615,"storageMass":1011,"covenant":null}]}',
  ) as any;

describe("firstDifference", () => {
  test("only header.nonce may change", () => {
    const b = template();
    b.header.nonce = 9007199254740993n;
    expect(firstDifference(template(), b)).toBe("");
  });

  test("names a changed number, a dropped field and an added field", () => {
    const changed = template();
    changed.transactions[0].storageMass = 1012;
    expect(firstDifference(template(), changed)).toBe("block.transactions[0].storageMass");

    const dropped = template();
    delete dropped.header.extra;
    expect(firstDifference(template(), dropped)).toBe("block.header.extra");

    const added = template();
    added.transactions[0].verboseData = null;
    expect(firstDifference(template(), added)).toBe("block.transactions[0].verboseData");
  });

  test("u64 compared exactly: a rounded value differs, a number equal to the bigint does not", () => {
    const rounded = template();
    rounded.transactions[0].sequence = Number(18446744073709551615n);
    expect(firstDifference(template(), rounded)).toBe("block.transactions[0].sequence");

    const asBig = template();
    asBig.header.timestamp = 1782835200123n;
    expect(firstDifference(template(), asBig)).toBe("");
  });

  test("null and a missing object differ; string vs number differs", () => {
    const b = template();
    b.transactions[0].covenant = {};
    expect(firstDifference(template(), b)).toBe("block.transactions[0].covenant");
    const c = template();
    c.header.version = "2";
    expect(firstDifference(template(), c)).toBe("block.header.version");
  });
});
