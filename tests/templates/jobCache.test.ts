import { describe, expect, test } from "bun:test";
import type { Job } from "../../src/templates/job.ts";
import { JobCache } from "../../src/templates/jobCache.ts";
import { JobIds } from "../../src/templates/jobIds.ts";

// JobCache only stores jobs; a job here is just something carrying its id.
const fakeJob = (id: string) => ({ id }) as unknown as Job;

describe("JobIds", () => {
  test("short decimal ids, unique while live", () => {
    const ids = new JobIds();
    expect([ids.take(), ids.take(), ids.take()]).toEqual(["1", "2", "3"]);
  });

  test("after wrapping, an id still held is skipped, never reused", () => {
    const ids = new JobIds(3);
    const [a, b, c] = [ids.take(), ids.take(), ids.take()];
    expect(() => ids.take()).toThrow("every job id is in use");
    ids.release(b);
    expect(ids.take()).toBe(b);
    ids.release(a);
    ids.release(c);
    expect(ids.take()).toBe(c);
    expect(ids.take()).toBe(a);
  });
});

describe("JobCache", () => {
  test("keeps the last N jobs and frees the ids of evicted ones", () => {
    const ids = new JobIds(4);
    const cache = new JobCache(2, ids);
    const j1 = cache.add(fakeJob);
    const j2 = cache.add(fakeJob);
    const j3 = cache.add(fakeJob);
    expect(cache.size).toBe(2);
    expect(cache.get(j1.id)).toBeUndefined();
    expect(cache.get(j2.id)).toBe(j2);
    expect(cache.get(j3.id)).toBe(j3);
    // Ids 2 and 3 are cached, 1 was freed: the next ids are 4 then 1, never 2 or 3.
    expect(cache.add(fakeJob).id).toBe("4");
    expect(cache.add(fakeJob).id).toBe("1");
  });

  test("two caches sharing one JobIds never hand out the same id", () => {
    const ids = new JobIds(10);
    const a = new JobCache(3, ids);
    const b = new JobCache(3, ids);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      seen.add(a.add(fakeJob).id);
      seen.add(b.add(fakeJob).id);
    }
    expect(seen.size).toBe(6);
  });

  test("a failed build gives its id back", () => {
    const ids = new JobIds(1);
    const cache = new JobCache(1, ids);
    expect(() => cache.add(() => { throw new Error("bad template"); })).toThrow("bad template");
    expect(cache.add(fakeJob).id).toBe("1");
  });

  test("clear frees every id", () => {
    const ids = new JobIds(2);
    const cache = new JobCache(2, ids);
    cache.add(fakeJob);
    cache.add(fakeJob);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(ids.take()).toBeDefined();
  });
});
