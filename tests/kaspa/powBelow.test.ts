import { expect, test } from "bun:test";
import { PowState } from "../../src/kaspa/pow/index.ts";
test("powBelow gives pow exactly when it is below the target, at and around every word boundary", () => {
  const st = new PowState(new Uint8Array(32).fill(42), 5435345234n);
  let hits = 0;
  for (let n = 0n; n < 3000n; n++) {
    const p = st.pow(n);
    for (const t of [p, p + 1n, p - 1n, 1n << 252n, 1n << 255n, 0n, -5n, 1n << 256n, (1n << 256n) - 1n, 1n << 300n, (p >> 32n) << 32n, p | 0xffffffffn]) {
      const r = st.powBelow(n, t);
      expect(r).toBe(p < t ? p : null);
      if (r !== null) hits++;
    }
  }
  expect(hits).toBeGreaterThan(1000);
});
