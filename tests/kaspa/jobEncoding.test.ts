import { expect, test } from "bun:test";
import { hexToBytes } from "../../src/common/hex.ts";
import { bigHeaderJob, jobWords } from "../../src/kaspa/jobEncoding.ts";

const PRE_POW = hexToBytes("853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed2");

test("standard job words of the mainnet template (§2.6)", () => {
  expect(jobWords(PRE_POW)).toEqual([2769687437080476293n, 2642455852654975590n, 16370749824715673019n, 15145064868898544117n]);
});

test("big-header job of the mainnet template (§2.6)", () => {
  expect(bigHeaderJob(PRE_POW, 1662696346n)).toBe("853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed29abb1a6300000000");
  expect(bigHeaderJob(PRE_POW, 1662696346n)).toHaveLength(80);
});

test("rejects a hash of the wrong length", () => {
  expect(() => jobWords(new Uint8Array(31))).toThrow(RangeError);
  expect(() => bigHeaderJob(new Uint8Array(33), 0n)).toThrow(RangeError);
});
