// How every figure is shown: a pure function of the API's value, so the page shows exactly what the API said.
// Amounts keep the API's KAS string; hashrates use the pool's one formatter (src/common/hashrate.ts).

import { formatHashrate } from "./hashrate.js";

export const DASH = "—";

export const hashrate = (hs) => (hs === null || hs === undefined ? DASH : formatHashrate(hs));

export const kas = (amount) => (amount ? `${amount.kas} KAS` : DASH);

/** ISO-8601 UTC as "2026-12-02 10:19:37 UTC". */
export const time = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : DASH);

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const percent = (fraction) => (fraction === null || fraction === undefined ? DASH : `${(fraction * 100).toFixed(2)} %`);

const significant = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });
export const number = (n) => (n === null || n === undefined ? DASH : significant.format(n));

export const count = (n) => (n === null || n === undefined ? DASH : String(n));

/** The address with its middle elided, for narrow table cells; the full one is in the title and the link. */
export const shortAddress = (a) => (a.length > 24 ? `${a.slice(0, 14)}…${a.slice(-8)}` : a);
