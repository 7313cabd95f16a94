// The pool wallet's figures. Only the payer process follows the wallet, and it serves no HTTP, so these live in a
// registry of their own that the payer pushes (instance `<host>-payer`) after each payout cycle's reconciliation.

import { Gauge, Registry } from "prom-client";
import type { Reconciliation } from "../treasury/holdings.ts";

export class TreasuryMetrics {
  readonly registry = new Registry();
  private readonly gauges: Array<[Gauge, (r: Reconciliation) => bigint]>;

  constructor() {
    // Names spelled out whole, so a search for a metric (the Grafana dashboard's test does one) finds it.
    const g = (name: string, help: string) => new Gauge({ name, help, registers: [this.registry] });
    this.gauges = [
      [g("kaspool_treasury_spendable_sompi", "Mature coins the pool wallet can spend, as of the last payout cycle."), (r) => r.spendable],
      [g("kaspool_treasury_immature_sompi", "Coinbase rewards in the pool wallet not yet mature, as of the last payout cycle."), (r) => r.immature],
      [g("kaspool_treasury_deficit_sompi", "What the ledger owes beyond what the wallet holds (0 when it reconciles)."), (r) => r.deficit],
      [g("kaspool_treasury_surplus_sompi", "What the wallet holds beyond what is owed or explained (0 when it reconciles)."), (r) => r.surplus],
    ];
  }

  /** Sompi as floats: exact up to 2^53 sompi (90 million KAS). */
  update(r: Reconciliation): void {
    for (const [gauge, figure] of this.gauges) gauge.set(Number(figure(r)));
  }
}
