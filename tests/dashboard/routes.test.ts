// The dashboard's files over real HTTP: pages with a self-only CSP, scripts and the chart library from memory,
// revalidation by ETag, no rate-limit spent on them, and the API's JSON 404 and GET-only rule kept.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startApi, type ApiServer } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";

let db: Database;
let api: ApiServer;
let base: string;
beforeAll(async () => {
  db = await openDatabase({ url: null, embeddedPath: "memory://" });
  const config = loadConfig({ env: {} });
  config.api.port = 0;
  config.api.rateLimit = { requestsPerSecond: 0.01, burst: 2 };
  api = startApi({ db, config });
  base = `http://127.0.0.1:${api.port}`;
});
afterAll(async () => {
  await api.stop();
  await db.close();
});

test("pages are HTML under a Content-Security-Policy of this origin only; every script and style they name is served", async () => {
  for (const path of ["/", "/miners/kaspadev:anything"]) {
    const res = await fetch(base + path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    // Nothing from elsewhere: every reference is a path on this server (or the empty data: icon).
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith("/") && u !== "data:,")).toEqual([]);
    for (const ref of refs) expect((await fetch(base + ref)).status).toBe(200);
  }
  // Fourteen requests with a burst of two: the dashboard's files spend none of it; the API still answers once.
  expect((await fetch(`${base}/health`)).status).toBe(200);
});

test("the chart library is node_modules' own build with a day's cache; our scripts revalidate by ETag", async () => {
  const lib = await fetch(`${base}/assets/vendor/uPlot.iife.min.js`);
  expect(lib.headers.get("cache-control")).toBe("public, max-age=86400");
  expect(lib.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(await lib.text()).toBe(readFileSync(fileURLToPath(import.meta.resolve("uplot/dist/uPlot.iife.min.js")), "utf8"));

  const ours = await fetch(`${base}/assets/pool.js`);
  expect(ours.headers.get("cache-control")).toBe("no-cache");
  const etag = ours.headers.get("etag")!;
  const again = await fetch(`${base}/assets/pool.js`, { headers: { "if-none-match": etag } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe("");

  // The pool's hashrate formatter, compiled for the browser: plain JavaScript with the same export.
  const fmt = await (await fetch(`${base}/assets/hashrate.js`)).text();
  expect(fmt).toContain("export function formatHashrate(hashesPerSecond)");
  expect(fmt).not.toContain(": number");
});

test("an unknown asset answers the JSON 404 and counts against the limit like any API path; other methods get the 405", async () => {
  // The burst of two: one token went to /health above, the second goes here.
  const missing = await fetch(`${base}/assets/nothing.js`);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
  expect((await fetch(`${base}/health`)).status).toBe(429);
  // Pages are still served, and other methods are refused before the limiter is asked.
  expect((await fetch(`${base}/`)).status).toBe(200);
  const post = await fetch(`${base}/`, { method: "POST" });
  expect(post.status).toBe(405);
  expect(post.headers.get("allow")).toBe("GET");
});
