import { describe, expect, test } from "bun:test";
import { heapSize } from "bun:jsc";
import { JobHistory } from "../../src/stratum/jobHistory.ts";

describe("JobHistory", () => {
  test("each job keeps the difficulty in force when it was sent, across wrap-around of the ring", () => {
    const h = new JobHistory(5);
    for (let i = 1; i <= 12; i++) h.add(String(i), i <= 3 ? 1 : i <= 9 ? 2 : 4, BigInt(100 + i));
    expect(h.size).toBe(5);
    expect(h.get("8")).toEqual({ id: "8", difficulty: 2, shareTarget: 108n });
    expect(h.get("9")!.difficulty).toBe(2);
    expect(h.get("10")!.difficulty).toBe(4);
    expect(h.get("12")!.difficulty).toBe(4);
    // Same difficulty but another target is a change too: the target decides shares.
    expect(h.get("11")!.shareTarget).toBe(111n);
  });

  test("jobs that left the ring, never-sent ids and non-canonical spellings are unknown", () => {
    const h = new JobHistory(3);
    for (const id of ["1", "2", "3", "4"]) h.add(id, 1);
    expect(h.get("1")).toBeUndefined();
    expect(h.get("5")).toBeUndefined();
    expect(h.get("04")).toBeUndefined();
    expect(h.get("4 ")).toBeUndefined();
    expect(h.get("")).toBeUndefined();
    expect(h.get("99999999999")).toBeUndefined();
    expect(h.get("4")!.id).toBe("4");
  });

  test("a job sent again keeps its first difficulty and its place", () => {
    const h = new JobHistory(10);
    h.add("7", 1);
    h.add("8", 2);
    h.add("7", 2);
    expect(h.get("7")!.difficulty).toBe(1);
    expect(h.recent(10).map((j) => j.id)).toEqual(["8", "7"]);
  });

  test("recent lists the newest jobs first, at most the limit, with their own difficulties", () => {
    const h = new JobHistory(4);
    for (let i = 1; i <= 6; i++) h.add(String(i), i);
    expect(h.recent(3).map((j) => [j.id, j.difficulty])).toEqual([["6", 6], ["5", 5], ["4", 4]]);
    expect(h.recent(100).map((j) => j.id)).toEqual(["6", "5", "4", "3"]);
    expect(new JobHistory(4).recent(8)).toEqual([]);
  });

  test("a job id that is not a decimal uint32 is refused when recorded", () => {
    expect(() => new JobHistory(4).add("abc", 1)).toThrow(/decimal uint32/);
    expect(() => new JobHistory(0)).toThrow(RangeError);
  });

  test("a full history of 300 jobs stays small", () => {
    const histories: JobHistory[] = [];
    Bun.gc(true);
    const before = heapSize();
    for (let c = 0; c < 2000; c++) {
      const h = new JobHistory(300);
      for (let j = 0; j < 400; j++) h.add(String(1_000 + j), j < 350 ? 1 : 2);
      histories.push(h);
    }
    Bun.gc(true);
    const perHistory = (heapSize() - before) / histories.length;
    expect(perHistory).toBeLessThan(2_500);
  });
});
