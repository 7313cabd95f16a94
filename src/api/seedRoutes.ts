// The kaspool seed's endpoints in their exact shapes (trailing slash accepted), plus /health and /ready.

import type { Hono } from "hono";
import type { Config } from "../config/types.ts";
import { balances, totals } from "../db/apiQueries.ts";
import type { ApiContext } from "./app.ts";
import { address } from "./params.ts";

/**
 * What /config shows: a whitelist, so a key added later is never published by accident. Never the database,
 * node URLs, the Pushgateway, or the payer's schedule and fee settings.
 */
function publicConfig(c: Config) {
  return {
    network: c.network,
    stratum: { ports: c.stratum.ports.map((p) => ({ port: p.port, mode: p.mode, difficulty: p.difficulty, encoding: p.encoding })) },
    treasury: { fee: c.treasury.fee, address: c.treasury.address, coinbaseMaturity: c.treasury.coinbaseMaturity },
    pplns: { factor: c.pplns.factor },
    payments: { thresholdKas: c.payments.thresholdKas },
  };
}

export function seedRoutes(app: Hono, ctx: ApiContext): void {
  const startedAt = new Date(ctx.now()).toISOString();
  app.get("/config", (c) => c.json(publicConfig(ctx.config)));

  const balance = async (addr: string | null) => {
    const out: Record<string, Record<string, string>> = {};
    if (addr) out[addr] = {};
    for (const r of await balances(ctx.db, addr)) (out[r.wallet] ??= {})[r.miner_id] = r.balance;
    return { balance: out };
  };
  app.get("/balance", async (c) => c.json(await balance(null)));
  app.get("/balance/:address", async (c) => c.json(await balance(address(c.req.param("address"), ctx.config.network))));

  const total = async (addr: string | null) => {
    const out: Record<string, string> = {};
    for (const r of await totals(ctx.db, addr)) out[r.address] = r.total;
    if (addr) out[addr] ??= "0";
    return { total: out };
  };
  app.get("/total", async (c) => c.json(await total(null)));
  app.get("/total/:address", async (c) => c.json(await total(address(c.req.param("address"), ctx.config.network))));

  app.get("/health", (c) => c.json({ status: "ok", startTime: startedAt }));
  app.get("/ready", async (c) => {
    const checks = { database: "ok", node: "ok", templates: "ok" };
    try {
      await ctx.db.query("SELECT 1");
    } catch (err) {
      checks.database = `unavailable: ${err instanceof Error ? err.message.split("\n")[0] : "error"}`;
    }
    checks.node = ctx.nodeProblem ? (await ctx.nodeProblem().catch((e) => String(e))) ?? "ok" : "unknown";
    if (ctx.templatesFresh && !ctx.templatesFresh()) checks.templates = "stale: no new block template";
    const ready = checks.database === "ok" && checks.node === "ok" && checks.templates === "ok";
    return c.json({ ready, checks }, ready ? 200 : 503);
  });
}
