// Pure formatting for API answers: amounts as exact strings, times as ISO-8601 UTC, hashrates from summed work.

import { HASHES_PER_SHARE_UNIT } from "../kaspa/target.ts";

export interface Amount {
  sompi: string;
  kas: string;
}

const SOMPI_PER_KAS = 100_000_000n;

/** Exact sompi and KAS strings; bigint all the way, so amounts above 2^53 keep every digit. */
export function amount(sompi: bigint): Amount {
  const sign = sompi < 0n ? "-" : "";
  const abs = sompi < 0n ? -sompi : sompi;
  const frac = (abs % SOMPI_PER_KAS).toString().padStart(8, "0").replace(/0+$/, "");
  return { sompi: sompi.toString(), kas: `${sign}${abs / SOMPI_PER_KAS}${frac ? `.${frac}` : ""}` };
}

/** A numeric string from the database (NUMERIC as text), or null, as an Amount. */
export const amountOf = (text: string | null | undefined): Amount => amount(BigInt(text ?? "0"));

/** Start of a window reaching back `ms` from `now`: the minute holding now - ms, as history is kept per minute. */
export const windowStart = (now: number, ms: number): number => Math.floor((now - ms) / 60_000) * 60_000;

export function iso(ms: number | string | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(typeof ms === "string" ? Number(ms) : ms).toISOString();
}

/**
 * H/s for summed share difficulty over `seconds`: Σ(difficulty × 2^32) / seconds, never above the network's
 * hashrate when it is known (a window mostly empty of time cannot claim more than the whole network).
 */
export function hashrate(work: number, seconds: number, networkHashrate: number | null): number {
  if (!(seconds > 0) || !(work > 0)) return 0;
  const h = (work * HASHES_PER_SHARE_UNIT) / seconds;
  return networkHashrate !== null && networkHashrate > 0 ? Math.min(h, networkHashrate) : h;
}
