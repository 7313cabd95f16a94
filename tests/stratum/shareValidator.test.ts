import { describe, expect, test } from "bun:test";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { StratumError } from "../../src/stratum/errors.ts";
import { JobHistory } from "../../src/stratum/jobHistory.ts";
import { JOB_SEARCH_DEPTH, MAX_ACCEPTED_PER_JOB, validateShare, type ShareContext } from "../../src/stratum/shareValidator.ts";
import type { Job } from "../../src/templates/job.ts";

const TWO_224 = 1n << 224n;
const targetFor = (d: number) => BigInt(Math.floor(Number(TWO_224) / d));

/** Just the fields share validation reads; the PowState is real. */
function job(id: string, seed: number, networkTarget = 0n): Job {
  const prePowHash = new Uint8Array(32).map((_, i) => (seed * 31 + i * 7 + 1) & 0xff);
  return { id, pow: new PowState(prePowHash, 1_700_000_000_000n), target: networkTarget, submitted: new Set() } as unknown as Job;
}

function findNonce(j: Job, pass: (pow: bigint, nonce: bigint) => boolean, prefix = 0n, from = 0n): bigint {
  for (let n = from; n < from + 100_000n; n++) if (pass(j.pow.pow(prefix | n), prefix | n)) return prefix | n;
  throw new Error("no nonce found");
}

/** A lolMiner-like connection unless `searchJobs` (IceRiver, Bitmain). */
function context(jobs: Job[], extranonce = "", searchJobs = false): ShareContext & { history: JobHistory } {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return { authorized: true, extranonce, searchJobs, history: new JobHistory(300), lookup: (id) => byId.get(id) };
}

/** Counts the PoW checks made on a job. */
function countPow(j: Job): { calls: number } {
  const counter = { calls: 0 };
  const inner = j.pow.powBelow.bind(j.pow);
  j.pow.powBelow = (nonce, target) => (counter.calls++, inner(nonce, target));
  return counter;
}

function codeOf(run: () => unknown): number {
  try {
    run();
  } catch (err) {
    if (err instanceof StratumError) return err.code;
    throw err;
  }
  return 0;
}

const hex = (n: bigint) => n.toString(16).padStart(16, "0");
const EASY = 2 ** -28; // share target 2^252: one hash in 16 passes
const HARD = 2 ** -24; // share target 2^248: one in 256

describe("validateShare", () => {
  const a = job("1", 1);
  const b = job("2", 2);

  test("24 before anything else when not authorized", () => {
    const ctx = { ...context([a]), authorized: false };
    expect(codeOf(() => validateShare(ctx, ["w", "1", "zz"]))).toBe(24);
  });

  test("21 for a job id never sent to this connection", () => {
    const ctx = context([a]);
    expect(codeOf(() => validateShare(ctx, ["w", "1", "00"]))).toBe(21);
    ctx.history.add("1", EASY, targetFor(EASY));
    const bad = findNonce(a, (p) => p >= targetFor(EASY));
    expect(codeOf(() => validateShare(ctx, ["w", "77", hex(bad)]))).toBe(21);
  });

  test("20 for a malformed nonce and for another connection's extranonce", () => {
    const ctx = context([a], "abcd");
    ctx.history.add("1", EASY, targetFor(EASY));
    expect(codeOf(() => validateShare(ctx, ["w", "1", "xyz"]))).toBe(20);
    expect(codeOf(() => validateShare(ctx, ["w", "1", "abce000000000001"]))).toBe(20);
  });

  test("accepts a good share, with the extranonce applied to a short nonce", () => {
    const ctx = context([a], "abcd");
    ctx.history.add("1", EASY, targetFor(EASY));
    const nonce = findNonce(a, (p) => p < targetFor(EASY), 0xabcd000000000000n);
    const share = validateShare(ctx, ["w", "1", hex(nonce).slice(4)]);
    expect(share.nonce).toBe(nonce);
    expect(share.job).toBe(a);
    expect(share.isBlock).toBe(false);
  });

  test("22 for an accepted nonce again: another worker, another connection; a low-difficulty one stays 23", () => {
    const c1 = context([a, b]);
    const c2 = context([a, b]);
    c1.history.add("1", EASY, targetFor(EASY));
    c2.history.add("1", EASY, targetFor(EASY));
    const good = findNonce(a, (p) => p < targetFor(EASY), 0n, 1_000n);
    validateShare(c1, ["alice.rig1", "1", hex(good)]);
    expect(codeOf(() => validateShare(c1, ["alice.rig2", "1", hex(good)]))).toBe(22);
    expect(codeOf(() => validateShare(c2, ["bob.rig1", "1", hex(good)]))).toBe(22);
    const low = findNonce(a, (p) => p >= targetFor(EASY), 0n, 2_000n);
    expect(codeOf(() => validateShare(c1, ["w", "1", hex(low)]))).toBe(23);
    expect(codeOf(() => validateShare(c1, ["w", "1", hex(low)]))).toBe(23);
  });

  test("only accepted nonces are remembered: a flood of low-difficulty nonces leaves the set as it was", () => {
    const fresh = job("12", 12);
    const ctx = context([fresh]);
    ctx.history.add("12", HARD, targetFor(HARD));
    let accepted = 0;
    for (let n = 0n; n < 3_000n; n++) {
      if (codeOf(() => validateShare(ctx, ["w", "12", hex(n)])) === 0) accepted++;
    }
    expect(accepted).toBeLessThan(100);
    expect(fresh.submitted.size).toBe(accepted);
  });

  test(`a job remembers at most ${MAX_ACCEPTED_PER_JOB} nonces; past that its shares get 21, its blocks still count`, () => {
    const full = job("11", 11);
    const ctx = context([full]);
    // Every hash passes at this difficulty.
    ctx.history.add("11", 2 ** -40, targetFor(2 ** -40));
    for (let n = 0; n < MAX_ACCEPTED_PER_JOB; n++) validateShare(ctx, ["w", "11", hex(BigInt(n))]);
    expect(full.submitted.size).toBe(MAX_ACCEPTED_PER_JOB);
    expect(codeOf(() => validateShare(ctx, ["w", "11", hex(10n ** 9n)]))).toBe(21);
    // What it remembers is still a duplicate, not forgotten.
    expect(codeOf(() => validateShare(ctx, ["w", "11", hex(0n)]))).toBe(22);
    expect(full.submitted.size).toBe(MAX_ACCEPTED_PER_JOB);
    // A block is never refused.
    (full as { target: bigint }).target = 1n << 255n;
    const block = findNonce(full, (p) => p <= 1n << 255n, 0n, 10n ** 9n);
    expect(validateShare(ctx, ["w", "11", hex(block)]).isBlock).toBe(true);
  });

  test("23 is judged with the difficulty the job was sent with, not the connection's newest", () => {
    const ctx = context([a, b]);
    ctx.history.add("1", EASY, targetFor(EASY));
    ctx.history.add("2", HARD, targetFor(HARD));
    const easyOnly = (j: Job, other: Job) =>
      findNonce(j, (p, n) => p < targetFor(EASY) && p >= targetFor(HARD) && other.pow.pow(n) >= targetFor(EASY));
    expect(validateShare(ctx, ["w", "1", hex(easyOnly(a, b))]).sent.difficulty).toBe(EASY);
    expect(codeOf(() => validateShare(ctx, ["w", "2", hex(easyOnly(b, a))]))).toBe(23);
  });

  test("a share reported with a wrong job id is found on a recent job (IceRiver/Bitmain)", () => {
    const ctx = context([a, b], "", true);
    ctx.history.add("1", EASY, targetFor(EASY));
    ctx.history.add("2", EASY, targetFor(EASY));
    const onlyA = (from: bigint) => findNonce(a, (p, n) => p < targetFor(EASY) && b.pow.pow(n) >= targetFor(EASY), 0n, from);
    const n1 = onlyA(20_000n);
    expect(validateShare(ctx, ["w", "2", hex(n1)]).job).toBe(a);
    // An id that was never sent at all is searched the same way.
    expect(validateShare(ctx, ["w", "999", hex(onlyA(n1 + 1n))]).job).toBe(a);
  });

  test("a lolMiner-type connection's bad share costs one PoW check, and a wrong id is 21 at no PoW cost", () => {
    const jobs = Array.from({ length: 12 }, (_, i) => job(String(100 + i), 100 + i));
    const counts = jobs.map(countPow);
    const ctx = context(jobs);
    for (const j of jobs) ctx.history.add(j.id, HARD, targetFor(HARD));
    const last = jobs[11]!;
    const bad = findNonce(last, (p) => p >= targetFor(HARD));
    const total = () => counts.reduce((s, c) => s + c.calls, 0);
    expect(codeOf(() => validateShare(ctx, ["w", last.id, hex(bad)]))).toBe(23);
    expect(total()).toBe(1); // findNonce hashes with pow(): only the share's powBelow counts
    expect(codeOf(() => validateShare(ctx, ["w", "999", hex(bad)]))).toBe(21);
    expect(total()).toBe(1);
  });

  test("an IceRiver connection finds the right job; a bad share is checked at most once per job, on the newest 8", () => {
    const jobs = Array.from({ length: 12 }, (_, i) => job(String(200 + i), 200 + i));
    const counts = jobs.map(countPow);
    const ctx = context(jobs, "", true);
    for (const j of jobs) ctx.history.add(j.id, HARD, targetFor(HARD));
    const total = () => counts.reduce((s, c) => s + c.calls, 0);
    const right = jobs[8]!;
    const others = jobs.filter((j) => j !== right);
    const nonce = findNonce(right, (p, n) => p < targetFor(HARD) && others.every((o) => o.pow.pow(n) >= targetFor(HARD)));
    expect(validateShare(ctx, ["w", jobs[11]!.id, hex(nonce)]).job).toBe(right);
    expect(counts.every((c) => c.calls <= 1)).toBe(true);

    for (const c of counts) c.calls = 0;
    const bad = findNonce(jobs[0]!, (p, n) => jobs.every((o) => o.pow.pow(n) >= targetFor(HARD)));
    expect(codeOf(() => validateShare(ctx, ["w", jobs[11]!.id, hex(bad)]))).toBe(23);
    // The claimed job is the newest, so the claimed one and the next 7.
    expect(total()).toBe(JOB_SEARCH_DEPTH);
    expect(counts.every((c) => c.calls <= 1)).toBe(true);
  });

  test("a block reported under a wrong job id is still a block (IceRiver)", () => {
    const net = job("10", 10, 1n << 252n);
    const other = job("13", 13);
    const ctx = context([net, other], "", true);
    ctx.history.add("10", HARD, targetFor(HARD));
    ctx.history.add("13", HARD, targetFor(HARD));
    expect(other.pow.pow(0n) >= targetFor(HARD)).toBe(true);
    expect(validateShare(ctx, ["w", "13", hex(0n)])).toMatchObject({ job: net, isBlock: true });
  });

  test("a job that left the follower's cache is unknown, even if it was sent", () => {
    const ctx = context([b]);
    ctx.history.add("1", EASY, targetFor(EASY));
    const nonce = findNonce(a, (p) => p < targetFor(EASY));
    expect(codeOf(() => validateShare(ctx, ["w", "1", hex(nonce)]))).toBe(21);
  });

  test("pow <= network target marks a block", () => {
    const blocky = job("5", 5, targetFor(EASY));
    const ctx = context([blocky]);
    ctx.history.add("5", EASY, targetFor(EASY) + 1n);
    const nonce = findNonce(blocky, (p) => p <= targetFor(EASY));
    expect(validateShare(ctx, ["w", "5", hex(nonce)]).isBlock).toBe(true);
  });

  test("a nonce that meets the network target is a block even when it misses a harder share target", () => {
    // The review's reproduction: network target 2^252, share difficulty 2^-24 (target 2^248), nonce 0 a block.
    const net = job("10", 10, 1n << 252n);
    const pow0 = net.pow.pow(0n);
    expect(pow0 < 1n << 252n && pow0 >= 1n << 248n).toBe(true);
    const ctx = context([net]);
    ctx.history.add("10", HARD, targetFor(HARD));
    const share = validateShare(ctx, ["w", "10", hex(0n)]);
    expect(share).toMatchObject({ job: net, nonce: 0n, pow: pow0, isBlock: true });
    // Accepted, so a replay is a duplicate.
    expect(codeOf(() => validateShare(ctx, ["w", "10", hex(0n)]))).toBe(22);
  });

  test("the 5-parameter submit takes the nonce from params[4]; numeric job ids are accepted", () => {
    const c = job("8", 8);
    const ctx = context([c]);
    ctx.history.add("8", EASY, targetFor(EASY));
    const nonce = findNonce(c, (p) => p < targetFor(EASY));
    expect(validateShare(ctx, ["w", 8, "", "", hex(nonce)]).nonce).toBe(nonce);
  });
});
