// What a credited block paid, as one log line: the reward, the pool's fee, how many miners shared it and who
// got the most. Read back from the ledger, so the line shows what was booked, not what was meant to be.

import { formatKas } from "../common/kas.ts";
import type { Queryable } from "../db/database.ts";

export interface CreditSummary {
  reward: bigint;
  fee: bigint;
  /** One entry per wallet (its workers summed), largest first. */
  wallets: Array<{ wallet: string; amount: bigint }>;
}

export async function creditSummary(db: Queryable, hash: string): Promise<CreditSummary> {
  const rows = await db.query<{ wallet: string; reason: string; amount: string }>(
    `SELECT wallet, reason, sum(amount)::text AS amount FROM ledger
     WHERE block_hash = $1 AND reason IN ('block_credit', 'fee') GROUP BY wallet, reason`, [hash]);
  const fee = rows.filter((r) => r.reason === "fee").reduce((s, r) => s + BigInt(r.amount), 0n);
  const wallets = rows.filter((r) => r.reason === "block_credit").map((r) => ({ wallet: r.wallet, amount: BigInt(r.amount) }))
    .sort((a, b) => (a.amount === b.amount ? (a.wallet < b.wallet ? -1 : 1) : a.amount > b.amount ? -1 : 1));
  return { reward: fee + wallets.reduce((s, w) => s + w.amount, 0n), fee, wallets };
}

const TOP = 3;

export function creditFields(s: CreditSummary): Record<string, string | number> {
  const top = s.wallets.slice(0, TOP).map((w) => `${w.wallet} ${formatKas(w.amount)} (${percent(w.amount, s.reward)})`);
  if (s.wallets.length > TOP) top.push(`${s.wallets.length - TOP} more`);
  return {
    reward: formatKas(s.reward), fee: formatKas(s.fee), miners: s.wallets.length,
    largest: top.length ? top.join(", ") : "none (empty window: the reward stays with the pool)",
  };
}

function percent(part: bigint, whole: bigint): string {
  if (whole === 0n) return "0%";
  const tenths = (part * 1000n) / whole;
  return `${tenths / 10n}.${tenths % 10n}%`;
}
