// The fetch queue alone (pure scheduling): bounded concurrency, coalescing, urgent fetchers first, and a
// fetcher signalled while running is fetched exactly once more.

import { expect, test } from "bun:test";
import { FetchQueue, type Fetcher } from "../../src/templates/fetchQueue.ts";

function fetcher(name: string, log: string[], urgent = false) {
  const pending: Array<() => void> = [];
  const f: Fetcher & { finish(): Promise<void> } = {
    urgent,
    fetch: () => {
      log.push(name);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    finish: async () => {
      pending.shift()?.();
      await Bun.sleep(0);
    },
  };
  return f;
}

test("at most `concurrency` run; waiting fetchers coalesce; urgent ones jump the queue", async () => {
  const log: string[] = [];
  const q = new FetchQueue(2);
  const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => fetcher(n, log));
  const pool = fetcher("pool", log, true);
  for (const f of [a, b, c, d, c, d, c]) q.schedule(f!);
  q.schedule(pool);
  expect(log).toEqual(["a", "b"]);
  await a!.finish();
  expect(log).toEqual(["a", "b", "pool"]);
  await b!.finish();
  await pool.finish();
  expect(log).toEqual(["a", "b", "pool", "c", "d"]);
  await c!.finish();
  await d!.finish();
  expect(log).toHaveLength(5);
});

test("a fetcher signalled while it runs is fetched once more afterwards, not once per signal", async () => {
  const log: string[] = [];
  const q = new FetchQueue(4);
  const a = fetcher("a", log);
  q.schedule(a);
  q.schedule(a);
  q.schedule(a);
  expect(log).toEqual(["a"]);
  await a.finish();
  expect(log).toEqual(["a", "a"]);
  await a.finish();
  expect(log).toEqual(["a", "a"]);
});

test("a removed fetcher is not fetched", async () => {
  const log: string[] = [];
  const q = new FetchQueue(1);
  const a = fetcher("a", log);
  const b = fetcher("b", log);
  q.schedule(a);
  q.schedule(b);
  q.remove(b);
  await a.finish();
  expect(log).toEqual(["a"]);
});
