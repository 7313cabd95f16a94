// The payer's wallet figures: each reconciliation replaces the gauges, to the sompi below 2^53.

import { expect, test } from "bun:test";
import { TreasuryMetrics } from "../../src/metrics/index.ts";

test("a reconciliation sets every treasury gauge", async () => {
  const m = new TreasuryMetrics();
  const r = { spendable: 123_456_789_012_345n, immature: 5n, locked: 0n, external: 0n, owed: 0n, deficit: 0n, surplus: 7n };
  m.update(r);
  m.update({ ...r, immature: 6n });
  const text = await m.registry.metrics();
  expect(text).toContain("kaspool_treasury_spendable_sompi 123456789012345");
  expect(text).toContain("kaspool_treasury_immature_sompi 6\n");
  expect(text).toContain("kaspool_treasury_deficit_sompi 0\n");
  expect(text).toContain("kaspool_treasury_surplus_sompi 7\n");
});
