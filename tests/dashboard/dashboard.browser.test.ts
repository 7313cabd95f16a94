// The dashboard in a real browser: Debian's chromium driven by playwright-core against `bun run demo` (a devnet,
// the pool, the payer and two CPU miners over real sockets). Once blocks are credited and paid, the pool page and
// a miner's page must show exactly what the API answered them, the search box must lead to the miner page or show
// the API's refusal, a new address must get the designed empty state, and no request may leave this machine.
// Screenshots go to docs/. Without /usr/bin/chromium the test is skipped, unless KASPOOL_REQUIRE_BROWSER=1 (CI).

import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { DEMO_MINERS } from "../../src/app/demoSetup.ts";
import { formatHashrate } from "../../src/common/hashrate.ts";
import { treasuryAddressFromKey } from "../../src/config/treasuryKey.ts";
import { collectOutput } from "../common/output.ts";
import { scratch } from "../common/scratch.ts";

const CHROMIUM = "/usr/bin/chromium";
const required = process.env.KASPOOL_REQUIRE_BROWSER === "1";
const present = existsSync(CHROMIUM);
if (!present && !required) console.warn(`dashboard browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

const DOCS = join(import.meta.dir, "../../docs");
const tmp = scratch("dashboard");

type Json = any;
/** What the page writes in data-value: strings as they are, anything else as JSON (dom.js). */
const raw = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v ?? null));
const kas = (a: { kas: string } | null) => (a ? `${a.kas} KAS` : "—");
const time = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : "—");

/** Polls `check` (a list of mismatches) until it is empty; the page refreshes every 15 s, so a read may straddle one. */
async function settles(check: () => Promise<string[]>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await check();
    if (!last.length) return;
    await Bun.sleep(250);
  }
  throw new Error(`the page does not show the API's figures:\n${last.join("\n")}`);
}

/** Every figure on the page: data-testid → [text, data-value]. */
const figures = (page: Page): Promise<Record<string, string[]>> => page.evaluate(() => Object.fromEntries(
  [...(globalThis as any).document.querySelectorAll("[data-testid][data-value]")].map((e: any) => [e.dataset.testid, [e.textContent, e.dataset.value]])));

/** The rows of a table body: one {field: [text, data-value]} per row. */
const rows = (page: Page, tbody: string): Promise<Record<string, string[]>[]> => page.evaluate((sel) =>
  [...(globalThis as any).document.querySelectorAll(`${sel} tr:not(.empty)`)].map((tr: any) => Object.fromEntries(
    [...tr.querySelectorAll("td[data-field]")].map((td: any) => [td.dataset.field, [td.textContent, td.dataset.value]]))), tbody);

function compare(shown: Record<string, string[]>, expected: Record<string, [string | null, unknown]>): string[] {
  const out: string[] = [];
  for (const [id, [text, value]] of Object.entries(expected)) {
    const s = shown[id];
    if (!s) out.push(`${id}: not on the page`);
    else if (s[1] !== raw(value)) out.push(`${id}: data-value ${s[1]} ≠ API ${raw(value)}`);
    else if (text !== null && s[0] !== text) out.push(`${id}: shows "${s[0]}", expected "${text}"`);
  }
  return out;
}

test.skipIf(!present && !required)("the dashboard shows the API's figures in chromium, finds a miner, and fetches nothing from elsewhere", async () => {
  expect(existsSync(CHROMIUM)).toBe(true);

  // --- the pool: the demo, until blocks are credited and a payout has a txid ---
  const demo = Bun.spawn(["bun", "run", "demo", "--data", join(tmp.dir, "data"), "--free-ports"], { env: { ...process.env, DEBUG: "" }, stdout: "pipe", stderr: "pipe" });
  tmp.defer(async () => {
    demo.kill("SIGINT");
    await demo.exited;
  });
  const logs = collectOutput(demo);
  const until = async (what: string, ok: () => boolean | Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`no ${what} within ${ms} ms:\n${logs.stdout().slice(-3000)}`);
      // Slowly: the browser shares this IP's API rate limit (5/s).
      await Bun.sleep(1_000);
    }
  };
  await until("dashboard line", () => /dashboard url=(\S+)/.test(logs.stdout()), 60_000);
  const base = /dashboard url=(\S+)/.exec(logs.stdout())![1]!.replace(/\/$/, "");
  const stratumPort = Number(/pool running .*stratum=(\d+)/.exec(logs.stdout())![1]);
  const api = async (path: string): Promise<Json> => (await fetch(base + path)).json();
  // The miner page is shown for a demo wallet already paid, so every table on it has rows.
  let paid: (typeof DEMO_MINERS)[number] | undefined;
  await until("credited block and paid txid", async () => {
    const [blocks, payments] = await Promise.all([api("/api/v1/pool/blocks?limit=100"), api("/api/v1/pool/payments?limit=100")]);
    paid = DEMO_MINERS.find((m) => payments.items.some((p: Json) => p.txid && p.wallet === m.address));
    return blocks.items.some((b: Json) => b.status === "credited") && paid !== undefined;
  }, 170_000);

  // --- the browser, with exactly the flags the issue names ---
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  tmp.defer(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const origin = new URL(base).origin;
  const elsewhere: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith("data:")) elsewhere.push(url);
  });
  page.on("console", (m) => {
    // The one expected error: the search for a bad address is answered 400, which chromium logs.
    if (m.type() === "error" && !m.text().includes("400")) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  // The API's answers to the page, as they arrive: the latest per path and query.
  const answered = new Map<string, Json>();
  page.on("response", async (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith("/api/") || !r.ok()) return;
    answered.set(u.pathname + u.search, await r.json().catch(() => null));
  });
  const answer = (path: string) => {
    const a = answered.get(path);
    if (!a) throw new Error(`the page never asked ${path}: ${[...answered.keys()].join(", ")}`);
    return a;
  };

  // --- the pool page ---
  await page.goto(`${base}/`);
  await page.waitForSelector("body[data-loaded=true]");
  // The 1 h range: 60 one-minute buckets (61 when the hour is not aligned to the minute).
  const hour = page.waitForResponse((r) => r.url().includes("/api/v1/pool/hashrate?") && r.url().includes("bucket=1m"));
  await page.click("#ranges [data-range='1h']");
  await hour;
  await page.waitForFunction(() => Number((globalThis as any).document.getElementById("chart").dataset.points) >= 60);

  await settles(async () => {
    const p = answer("/api/v1/pool");
    const shown = await figures(page);
    const out = compare(shown, {
      "pool-hashrate": [formatHashrate(p.hashrate.total), p.hashrate.total],
      "pool-hashrate-pplns": [formatHashrate(p.hashrate.pplns), p.hashrate.pplns],
      "pool-hashrate-solo": [formatHashrate(p.hashrate.solo), p.hashrate.solo],
      "network-hashrate": [formatHashrate(p.network.hashrate), p.network.hashrate],
      "network-difficulty": [null, p.network.difficulty],
      "network-daa-score": [p.network.daa_score, p.network.daa_score],
      "pool-share": [`${(p.pool_share * 100).toFixed(2)} %`, p.pool_share],
      "time-to-block": [null, p.estimated_seconds_to_block],
      miners: [String(p.miners), p.miners],
      workers: [String(p.workers), p.workers],
      "blocks-credited": [String(p.blocks.credited), p.blocks.credited],
      "blocks-confirming": [String(p.blocks.confirming), p.blocks.confirming],
      "last-block": [time(p.last_block.found_at), p.last_block.found_at],
      "last-block-status": [p.last_block.status, p.last_block.status],
      "pool-paid": [kas(p.paid), p.paid.sompi],
      "fee-percent": [`${p.fee_percent} %`, p.fee_percent],
      "payout-threshold": [kas(p.payout.threshold), p.payout.threshold.sompi],
      "as-of": [time(p.as_of), p.as_of],
    });
    const blocks = answer("/api/v1/pool/blocks?limit=10").items;
    const blockRows = await rows(page, "#blocks");
    if (blockRows.length !== blocks.length) out.push(`blocks: ${blockRows.length} rows, API ${blocks.length}`);
    blocks.forEach((b: Json, i: number) => out.push(...compare(blockRows[i] ?? {}, {
      hash: [b.hash, b.hash], status: [b.status, b.status], confirmations: [b.confirmations === null ? "—" : String(b.confirmations), b.confirmations],
      finder: [null, b.finder.address], reward: [kas(b.reward), b.reward?.sompi ?? null], found_at: [time(b.found_at), b.found_at],
    }).map((m) => `block ${i}: ${m}`)));
    const payments = answer("/api/v1/pool/payments?limit=10").items;
    const paymentRows = await rows(page, "#payments");
    if (paymentRows.length !== payments.length) out.push(`payments: ${paymentRows.length} rows, API ${payments.length}`);
    payments.forEach((x: Json, i: number) => out.push(...compare(paymentRows[i] ?? {}, {
      amount: [kas(x.amount), x.amount.sompi], wallet: [null, x.wallet], status: [x.status, x.status], txid: [x.txid ?? "—", x.txid],
    }).map((m) => `payment ${i}: ${m}`)));
    return out;
  });
  const shownPool = await figures(page);
  expect(Number(shownPool["blocks-credited"]![1])).toBeGreaterThan(0);
  // The rows hold at least one paid txid; a paid payment never changes, so the API asked now agrees with it.
  const paidRows = (await rows(page, "#payments")).filter((r) => r.txid![1] !== "null");
  expect(paidRows.length).toBeGreaterThan(0);
  const paidNow = (await api("/api/v1/pool/payments?limit=100")).items;
  for (const r of paidRows) {
    // One transaction pays several wallets: a payment is its txid and wallet.
    const p = paidNow.find((x: Json) => x.txid === r.txid![1] && x.wallet === r.wallet![1]);
    expect(p).toBeDefined();
    expect(r.amount![0]).toBe(kas(p.amount));
  }
  // Connect instructions: this host and the port the pool really listens on, for every miner family.
  expect(await page.locator("[data-testid=connect-url]").allTextContents()).toEqual([`stratum+tcp://127.0.0.1:${stratumPort}`]);
  for (const family of ["lolminer", "bzminer", "srbminer", "iceriver", "bitmain", "goldshell"]) {
    expect(await page.locator(`[data-testid=connect-${family}]`).textContent()).toContain(`127.0.0.1:${stratumPort}`);
  }
  await page.screenshot({ path: join(DOCS, "dashboard-pool.png"), fullPage: true });

  // --- the search box: a bad address shows the API's own 400 message and stays ---
  const bad = "kaspa:qqbad";
  const refusal = await api(`/api/v1/miners/${bad}`);
  await page.fill("#search input", bad);
  await page.click("#search button");
  await page.waitForSelector("[data-testid=search-error]:not([hidden])");
  expect(await page.textContent("[data-testid=search-error]")).toBe(refusal.error.message);
  expect(new URL(page.url()).pathname).toBe("/");

  // --- a miner's page, found by pasting its address ---
  const miner = paid!.address;
  await page.fill("#search input", miner);
  await Promise.all([page.waitForURL(`${base}/miners/${miner}`), page.click("#search button")]);
  await page.waitForSelector("body[data-loaded=true]");
  const hourMiner = page.waitForResponse((r) => r.url().includes("/hashrate?") && r.url().includes("bucket=1m"));
  await page.click("#ranges [data-range='1h']");
  await hourMiner;
  await settles(async () => {
    const m = answer(`/api/v1/miners/${miner}`);
    const shown = await figures(page);
    const out = compare(shown, {
      "miner-address": [miner, miner],
      balance: [kas(m.balance), m.balance.sompi], paid: [kas(m.paid), m.paid.sompi], earned: [kas(m.earned), m.earned.sompi],
      "hashrate-10m": [formatHashrate(m.hashrate["10m"]), m.hashrate["10m"]],
      "hashrate-1h": [formatHashrate(m.hashrate["1h"]), m.hashrate["1h"]],
      "hashrate-24h": [formatHashrate(m.hashrate["24h"]), m.hashrate["24h"]],
      "workers-online": [String(m.workers.online), m.workers.online],
      "workers-idle": [String(m.workers.idle), m.workers.idle],
      "workers-offline": [String(m.workers.offline), m.workers.offline],
      "last-share": [time(m.last_share_at), m.last_share_at],
      "daily-estimate": [kas(m.estimated_daily_earnings), m.estimated_daily_earnings?.sompi ?? null],
    });
    const workers = answer(`/api/v1/miners/${miner}/workers`).items;
    const workerRows = await rows(page, "#workers");
    if (workerRows.length !== workers.length) out.push(`workers: ${workerRows.length} rows, API ${workers.length}`);
    workers.forEach((w: Json, i: number) => out.push(...compare(workerRows[i] ?? {}, {
      worker: [w.worker, w.worker], status: [w.status, w.status], last_share_at: [time(w.last_share_at), w.last_share_at],
      hashrate_10m: [formatHashrate(w.hashrate["10m"]), w.hashrate["10m"]], hashrate_24h: [formatHashrate(w.hashrate["24h"]), w.hashrate["24h"]],
    }).map((x) => `worker ${i}: ${x}`)));
    const payments = answer(`/api/v1/miners/${miner}/payments?limit=10`).items;
    const paymentRows = await rows(page, "#payments");
    if (paymentRows.length !== payments.length) out.push(`payments: ${paymentRows.length} rows, API ${payments.length}`);
    payments.forEach((x: Json, i: number) => out.push(...compare(paymentRows[i] ?? {}, {
      amount: [kas(x.amount), x.amount.sompi], txid: [x.txid ?? "—", x.txid],
    }).map((y) => `payment ${i}: ${y}`)));
    const days = answer(`/api/v1/miners/${miner}/earnings/daily?days=7`).items;
    const dayRows = await rows(page, "#earnings");
    // Newest day first on the page.
    days.slice().reverse().forEach((d: Json, i: number) => out.push(...compare(dayRows[i] ?? {}, {
      date: [d.date, d.date], amount: [kas(d.amount), d.amount.sompi],
    }).map((y) => `day ${i}: ${y}`)));
    const blocks = answer(`/api/v1/miners/${miner}/blocks?limit=10`).items;
    const blockRows = await rows(page, "#blocks");
    blocks.forEach((b: Json, i: number) => out.push(...compare(blockRows[i] ?? {}, {
      hash: [b.hash, b.hash], credited: [kas(b.credited), b.credited.sompi], finder: [null, b.found_by_you],
    }).map((y) => `block ${i}: ${y}`)));
    return out;
  });
  const shownMiner = await figures(page);
  expect(BigInt(shownMiner.paid![1])).toBeGreaterThan(0n);
  expect((await rows(page, "#payments")).some((r) => r.txid![1] !== "null")).toBe(true);
  expect(Number(shownMiner["workers-online"]![1])).toBe(1);
  // One chart line per worker the API names.
  const series = [...answered.entries()].filter(([k]) => k.startsWith(`/api/v1/miners/${miner}/hashrate?`) && k.includes("bucket=1m")).at(-1)![1];
  expect(await page.getAttribute("#chart", "data-lines")).toBe(String(series.workers.length));
  expect(series.workers).toEqual([paid!.name]);
  // Earned is never less than what was paid plus what is owed, as the API asked now says too.
  const now = await api(`/api/v1/miners/${miner}`);
  expect(BigInt(now.earned.sompi)).toBeGreaterThanOrEqual(BigInt(shownMiner.earned![1]));
  await page.screenshot({ path: join(DOCS, "dashboard-miner.png"), fullPage: true });

  // --- a valid address with no history: the empty state, with connect instructions for that address ---
  const fresh = treasuryAddressFromKey("c3".repeat(32), "devnet");
  await page.goto(`${base}/miners/${fresh}`);
  await page.waitForSelector("body[data-loaded=true]");
  await page.waitForSelector("[data-testid=empty-state]:not([hidden])");
  expect(await page.isHidden("#history")).toBe(true);
  expect(await page.textContent("[data-testid=balance]")).toBe("0 KAS");
  expect(await page.textContent("[data-testid=connect-lolminer]")).toContain(`--user ${fresh}.rig1`);
  expect(await page.textContent("[data-testid=connect-iceriver]")).toContain(`stratum+tcp://127.0.0.1:${stratumPort}`);

  // --- a bad address typed into the URL: the API's message on the page ---
  await page.goto(`${base}/miners/${bad}`);
  await page.waitForSelector("[data-testid=miner-error]:not(:empty)");
  expect(await page.textContent("[data-testid=miner-error]")).toBe(refusal.error.message);

  expect(elsewhere).toEqual([]);
  expect(problems).toEqual([]);
}, 300_000);
