// The payer as a running service: holds the payout lock, follows the wallet, runs a cycle every
// payments.intervalMinutes and reconciles the treasury after each. A failing cycle is logged and retried next time.

import type { Logger } from "../common/log.ts";
import type { Config } from "../config/types.ts";
import type { Database } from "../db/database.ts";
import { acquirePayerLock, type PayerLock } from "../db/payerLock.ts";
import { formatReconciliation, reconcileTreasury } from "../treasury/position.ts";
import { TreasuryWatcher, type WalletNode } from "../treasury/watcher.ts";
import { maturityMargin, Payer, type PayerNode, type PayerOptions } from "./payer.ts";
import type { PayoutSigner } from "./planner.ts";

export interface PayerServiceOptions {
  db: Database;
  node: PayerNode & WalletNode;
  config: Pick<Config, "treasury" | "payments" | "database">;
  signer: PayoutSigner;
  log: Logger;
  stopped(): boolean;
  onStep?: PayerOptions["onStep"];
}

export interface PayerService {
  /** Runs one cycle now (tests and the first cycle at start); cycles never overlap. */
  cycleNow(): Promise<void>;
  stop(): Promise<void>;
}

const SURPLUS_WARN_MS = 60_000;

export async function startPayerService(o: PayerServiceOptions): Promise<PayerService | null> {
  let lock: PayerLock | null = await acquirePayerLock(o.config.database.url, o.log, o.stopped);
  if (!lock) return null;
  const watcher = new TreasuryWatcher(o.node, o.config.treasury.address, o.log);
  await watcher.start();
  const maturity = BigInt(o.config.treasury.coinbaseMaturity);
  const payer = new Payer({
    db: o.db, node: o.node, watcher, signer: o.signer, poolWallet: o.config.treasury.address, thresholdKas: o.config.payments.thresholdKas, feeBumpMs: o.config.payments.feeBumpMinutes * 60_000, maturity, log: o.log, onStep: o.onStep,
  });

  let running: Promise<void> | null = null;
  let surplusRun: { since: number; cycles: number } | null = null;
  const cycle = async () => {
    if (!lock?.held()) {
      o.log.warn("payout lock lost; taking it again before paying");
      lock = await acquirePayerLock(o.config.database.url, o.log, o.stopped);
      if (!lock) return;
    }
    await payer.cycle();
    const r = await reconcileTreasury(o.db, watcher, maturity, maturityMargin(maturity));
    // A block the chain matured before the tracker credited it shows as surplus for a few seconds, and at a
    // high block rate such blocks follow each other. A surplus in every cycle for a minute (and at least two
    // cycles) is worth a warning; a deficit always is.
    const now = Date.now();
    surplusRun = r.surplus > 0n ? { since: surplusRun?.since ?? now, cycles: (surplusRun?.cycles ?? 0) + 1 } : null;
    const lasting = surplusRun !== null && surplusRun.cycles >= 2 && now - surplusRun.since >= SURPLUS_WARN_MS;
    if (r.deficit > 0n || lasting) o.log.warn("treasury does not reconcile", { figures: formatReconciliation(r).replaceAll("\n", "; ") });
  };
  const cycleNow = async () => {
    while (running) await running;
    running = cycle().finally(() => (running = null));
    return running;
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  let halted = false;
  const schedule = (ms: number) => {
    timer = setTimeout(async () => {
      await cycleNow().catch((err) => o.log.warn("payout cycle failed; retrying next cycle", { error: (err as Error).message }));
      if (!halted && !o.stopped()) schedule(o.config.payments.intervalMinutes * 60_000);
    }, ms);
  };
  // The first cycle settles whatever a crash left behind, so it runs at once.
  schedule(0);

  return {
    cycleNow,
    async stop() {
      halted = true;
      if (timer) clearTimeout(timer);
      while (running) await running.catch(() => {});
      await watcher.stop();
      await lock?.release();
    },
  };
}
