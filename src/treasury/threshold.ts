// Who is due a payout: the smallest amount one output may carry (KIP-9 storage mass) and the payout threshold.

import { STORAGE_MASS_PARAMETER } from "../kaspa/tx/mass.ts";
import { MAX_PAYOUT_TX_MASS } from "./fee.ts";

const SOMPI_PER_KAS = 100_000_000n;
/** 29 billion KAS, the consensus cap on any amount. */
const MAX_KAS = 29_000_000_000;

/** The smallest output whose own storage mass, floor(C / amount), is within a payout transaction's mass cap:
 * 9,999,901 sompi (≈ 0.1 KAS). A smaller output could only be sent if other inputs offset it, so it is never
 * planned; a change output below it is folded into the fee. */
export function minimumOutputSompi(): bigint {
  return STORAGE_MASS_PARAMETER / (MAX_PAYOUT_TX_MASS + 1n) + 1n;
}

/** A KAS amount from the configuration (a JSON number) in sompi, rounded up to the sompi. */
export function kasToSompi(kas: number): bigint {
  if (!Number.isFinite(kas) || kas < 0 || kas > MAX_KAS) throw new RangeError(`KAS amount must be a number from 0 to ${MAX_KAS}, got ${kas}`);
  const [whole, frac = ""] = kas.toFixed(9).split(".");
  const sompi = BigInt(whole!) * SOMPI_PER_KAS + BigInt(frac.slice(0, 8));
  return frac[8] === "0" ? sompi : sompi + 1n;
}

/** A wallet is paid once its balance reaches max(payments.thresholdKas, its own threshold, the smallest output). */
export function payoutThreshold(thresholdKas: number, minerThresholdSompi: bigint | null): bigint {
  let t = kasToSompi(thresholdKas);
  if (minerThresholdSompi !== null && minerThresholdSompi > t) t = minerThresholdSompi;
  const floor = minimumOutputSompi();
  return t > floor ? t : floor;
}
