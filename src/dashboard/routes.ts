// The dashboard on the API's Hono app: its pages (a shared layout around each page's body), scripts and styles
// read once at start and answered from memory, the chart library's browser build from node_modules, and the shared
// hashrate formatter compiled for the browser by Bun at start. Nothing for a user to build, nothing from a CDN
// (pools run behind firewalls).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import type { Context, Hono } from "hono";

/** Only this origin: no inline script or style, no other host for scripts, styles, images or API calls. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join("; ");

interface Asset {
  body: string;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8" };
// Our own files change with the pool's version: revalidated on each load (a 304 is cheap). The chart library
// changes only with a dependency update: a day.
const OURS = "no-cache";
const VENDOR = "public, max-age=86400";

function asset(name: string, body: string, cacheControl: string): Asset {
  const type = TYPES[name.slice(name.lastIndexOf(".") + 1)];
  if (!type) throw new Error(`dashboard: no content type for ${name}`);
  return { body, type, cacheControl, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
}

const file = (url: URL) => readFileSync(url, "utf8");
const nodeModule = (specifier: string) => file(new URL(import.meta.resolve(specifier)));

/** Each page: its title, its script and its body (pages/NAME.html) inside the shared layout.html. */
const PAGES = {
  pool: { title: "kaspool", script: "/assets/pool.js" },
  miner: { title: "Miner · kaspool", script: "/assets/miner.js" },
};

/** Every file the dashboard serves, by URL path (pages as /pages/NAME). */
function dashboardAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const here = (path: string) => new URL(path, import.meta.url);
  const layout = file(here("./layout.html"));
  for (const [name, p] of Object.entries(PAGES)) {
    // A function replacement: a "$" in a page is text, not a replacement pattern.
    const html = layout.replace("{{title}}", () => p.title).replace("{{script}}", () => p.script).replace("{{body}}", () => file(here(`./pages/${name}.html`)));
    assets.set(`/pages/${name}`, asset(`${name}.html`, html, OURS));
  }
  for (const name of readdirSync(here("./assets/"))) assets.set(`/assets/${name}`, asset(name, file(here(`./assets/${name}`)), OURS));
  // One formatter for the pool's log, the CPU miner and the dashboard.
  const ts = new Bun.Transpiler({ loader: "ts", target: "browser" });
  assets.set("/assets/hashrate.js", asset("hashrate.js", ts.transformSync(file(here("../common/hashrate.ts"))), OURS));
  assets.set("/assets/vendor/uPlot.iife.min.js", asset("uPlot.js", nodeModule("uplot/dist/uPlot.iife.min.js"), VENDOR));
  assets.set("/assets/vendor/uPlot.min.css", asset("uPlot.css", nodeModule("uplot/dist/uPlot.min.css"), VENDOR));
  return assets;
}

function serve(c: Context, a: Asset): Response {
  const headers: Record<string, string> = {
    "Content-Type": a.type, "Cache-Control": a.cacheControl, ETag: a.etag, "X-Content-Type-Options": "nosniff",
  };
  if (a.type.startsWith("text/html")) {
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY;
    headers["Referrer-Policy"] = "no-referrer";
  }
  if (c.req.header("if-none-match") === a.etag) return new Response(null, { status: 304, headers });
  return new Response(a.body, { headers });
}

/**
 * `/` the pool page, `/miners/:address` a miner's page (the page asks the API about the address, so a bad one
 * shows the API's own message), `/assets/*` scripts and styles; any other `/assets` path falls through to the
 * JSON 404.
 */
export function dashboardRoutes(app: Hono): void {
  const assets = dashboardAssets();
  const pool = assets.get("/pages/pool")!;
  const miner = assets.get("/pages/miner")!;
  app.get("/", (c) => serve(c, pool));
  app.get("/miners/:address", (c) => serve(c, miner));
  app.get("/assets/*", async (c, next) => {
    const a = assets.get(c.req.path);
    return a ? serve(c, a) : next();
  });
}
