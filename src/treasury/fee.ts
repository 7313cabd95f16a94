// Payout fees and per-transaction mass limits (node-rpc.md §8; rusty-kaspa consensus/core/src/mass/mod.rs
// Mass::normalized_max, which consensus/core/src/tx.rs calculated_feerate divides the fee by;
// mining/src/mempool/check_transaction_standard.rs minimum fee; wallet/core/src/tx/mass.rs standard cap).

import type { Mass } from "../kaspa/tx/index.ts";

/** Every payout transaction keeps each of its three masses at or below the wallet SDK's standard cap. Post-Toccata
 * nodes accept up to the block limits (500,000 / 1,000,000), but a smaller transaction relays and fits blocks
 * more easily, and the planner never needs more. */
export const MAX_PAYOUT_TX_MASS = 100_000n;

/** The node's minimum relay feerate after Toccata: 100 sompi per gram, kept in sompi per 1000 grams like the node. */
export const MINIMUM_FEERATE_PER_KG = 100_000n;

/** getFeeEstimate's feerate (sompi per gram, a JSON float) as whole sompi per 1000 grams, rounded up and never
 * under the minimum relay feerate. */
export function feeratePerKg(sompiPerGram: number): bigint {
  if (!Number.isFinite(sompiPerGram) || sompiPerGram < 0) throw new RangeError(`feerate must be a finite number >= 0, got ${sompiPerGram}`);
  // The epsilon keeps a float such as 1.0000000000000002 from rounding up a whole sompi per kilogram.
  const perKg = BigInt(Math.ceil(sompiPerGram * 1000 - 1e-6));
  return perKg > MINIMUM_FEERATE_PER_KG ? perKg : MINIMUM_FEERATE_PER_KG;
}

/** The mass a feerate applies to: max(compute, storage, transient normalised to the compute limit). Each mass is
 * scaled by compute limit / its own block limit: 1 for storage (500,000), 1/2 for transient (1,000,000), rounded up. */
export function governingMass(mass: Mass): bigint {
  const transient = (mass.transient + 1n) / 2n;
  let m = mass.compute > mass.storage ? mass.compute : mass.storage;
  if (transient > m) m = transient;
  return m;
}

/** feerate × governing mass, rounded up. With the feerate floored at 100 sompi/gram this is never below the node's
 * minimum relay fee, which charges 100 sompi/gram of max(compute, normalised transient) only. */
export function payoutFee(mass: Mass, perKg: bigint): bigint {
  const rate = perKg > MINIMUM_FEERATE_PER_KG ? perKg : MINIMUM_FEERATE_PER_KG;
  return (governingMass(mass) * rate + 999n) / 1000n;
}

export function withinMassLimits(mass: Mass): boolean {
  return mass.compute <= MAX_PAYOUT_TX_MASS && mass.storage <= MAX_PAYOUT_TX_MASS && mass.transient <= MAX_PAYOUT_TX_MASS;
}
