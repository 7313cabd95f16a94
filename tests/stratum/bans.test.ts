import { describe, expect, test } from "bun:test";
import { BanList, ShareRatio } from "../../src/stratum/bans.ts";

const policy = { enabled: true, invalidRatio: 0.5, minShares: 10, durationSeconds: 60 };

describe("ShareRatio", () => {
  test("bans once minShares are seen at or above the invalid ratio", () => {
    const r = new ShareRatio(policy);
    for (let i = 0; i < 4; i++) expect(r.record(true)).toBe(false);
    for (let i = 0; i < 5; i++) expect(r.record(false)).toBe(false);
    expect(r.record(false)).toBe(true);
  });

  test("a mostly valid miner is never banned, and the count restarts every window", () => {
    const r = new ShareRatio(policy);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 6; i++) expect(r.record(true)).toBe(false);
      for (let i = 0; i < 4; i++) expect(r.record(false)).toBe(false);
    }
  });

  test("disabled never bans", () => {
    const r = new ShareRatio({ ...policy, enabled: false });
    for (let i = 0; i < 100; i++) expect(r.record(false)).toBe(false);
  });
});

describe("BanList", () => {
  test("bans expire", () => {
    const b = new BanList(60);
    b.ban("1.2.3.4", 1_000);
    expect(b.isBanned("1.2.3.4", 60_999)).toBe(true);
    expect(b.isBanned("1.2.3.5", 2_000)).toBe(false);
    expect(b.isBanned("1.2.3.4", 61_000)).toBe(false);
    expect(b.size).toBe(0);
  });
});

test("prune drops expired bans of IPs that never come back", () => {
  const b = new BanList(60);
  b.ban("1.2.3.4", 1_000);
  b.ban("1.2.3.5", 30_000);
  b.prune(61_000);
  expect(b.size).toBe(1);
  expect(b.isBanned("1.2.3.5", 61_000)).toBe(true);
  b.prune(90_000);
  expect(b.size).toBe(0);
});
