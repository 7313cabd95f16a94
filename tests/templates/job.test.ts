import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/common/hex.ts";
import type { BlockTemplate } from "../../src/node/types.ts";
import { buildJob, prepareTemplate } from "../../src/templates/job.ts";
import { fixtureJson } from "../kaspa/helpers.ts";

// Spec §2.8: a version-2 header with two parent levels, and its pre-PoW hash.
const header = fixtureJson("goref_devnet_multi_parent_header.json") as Record<string, unknown>;
const template = { header, transactions: [], someFutureField: { kept: true } } as unknown as BlockTemplate;

describe("jobs from templates", () => {
  test("pre-PoW hash, encodings, target and difficulty from the header", () => {
    const job = buildJob("42", prepareTemplate(template), 1234);
    expect(bytesToHex(job.prePowHash)).toBe("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d");
    expect(job.timestamp).toBe(1231006513094n);
    expect(job.encodings.bigHeader).toBe("af11d6a9d9a65d2898e2b3c84901d018b2ff950a626a2efb47a1528ffa6a201d" + "c6b7b49d1e010000");
    expect(job.encodings.words[0]).toBe(0x285da6d9a9d611afn);
    expect(job.target).toBe(0x000021bc1c000000000000000000000000000000000000000000000000000000n);
    expect(job.networkDifficulty).toBeCloseTo(2 ** 224 / Number(job.target), 6);
    expect(job.createdAt).toBe(1234);
    expect(job.id).toBe("42");
  });

  test("the template object is kept untouched, unknown fields included", () => {
    const job = buildJob("1", prepareTemplate(template));
    expect(job.template).toBe(template);
    expect((job.template as Record<string, unknown>).someFutureField).toEqual({ kept: true });
  });

  test("the PowState matches spec §2.8's PoW vector", () => {
    const job = buildJob("1", prepareTemplate(template));
    expect(job.pow.pow(0x1234567890abcdefn)).toBe(0x957edafe573efb3f21aeaafee74a549d4bd9e493717e18d82550608b36fed33an);
  });

  test("the same work gets the same key; a new timestamp is new work", () => {
    const a = prepareTemplate(template);
    const b = prepareTemplate({ ...template, header: { ...header } } as BlockTemplate);
    const c = prepareTemplate({ ...template, header: { ...header, timestamp: 1231006513095 } } as BlockTemplate);
    expect(b.workKey).toBe(a.workKey);
    expect(c.workKey).not.toBe(a.workKey);
  });
});
