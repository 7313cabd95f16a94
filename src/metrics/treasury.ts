// The pool wallet's figures. Only the payer follows the wallet. The payer process serves no HTTP, so there they
// live in a registry of their own that it pushes (instance `<host>-payer`) after each payout cycle's
// reconciliation; in the devnet demo, where the payer runs inside the pool, they join the pool's registry.

import { Gauge, Registry } from "prom-client";
import type { Reconciliation } from "../treasury/holdings.ts";

export class TreasuryMetrics {
  private readonly gauges: Array<[Gauge, (r: Reconciliation) => bigint]>;

  constructor(readonly registry = new Registry()) {
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
