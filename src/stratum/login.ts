// mining.authorize parameters: "<address>.<worker>" and a password that may carry "d=<difficulty>".

import { checkAddress, networkPrefix } from "../kaspa/address.ts";
import type { NetworkId } from "../config/types.ts";
import { errors } from "./errors.ts";

export interface Login {
  address: string;
  worker: string;
}

export const DEFAULT_WORKER = "default";
const MAX_WORKER_LENGTH = 32;

/** Throws a code-20 error whose message says what is wrong with the address. */
export function parseLogin(user: unknown, network: NetworkId): Login {
  if (typeof user !== "string" || user.length === 0) throw errors.other("authorize needs \"<address>.<worker>\"");
  if (user.length > 256) throw errors.other("login is too long");
  const dot = user.indexOf(".");
  let address = dot < 0 ? user : user.slice(0, dot);
  // Miners are often configured with the bare payload; the network decides the prefix (as rusty bridge clean_wallet).
  if (!address.includes(":")) address = `${networkPrefix(network)}:${address}`;
  address = address.toLowerCase();
  const problem = checkAddressCached(address, network);
  if (problem) throw errors.other(`invalid address: ${problem}`);
  return { address, worker: sanitizeWorker(dot < 0 ? "" : user.slice(dot + 1)) };
}

/**
 * Many connections share an address (a farm's rigs, every worker of a PPLNS miner), and a bech32 decode with
 * its checksum was a visible part of connecting 10,000 miners. Bounded: the next entry after MAX clears it.
 */
const checkedAddresses = new Map<string, string | null>();
const MAX_CHECKED_ADDRESSES = 10_000;

function checkAddressCached(address: string, network: NetworkId): string | null {
  const key = `${network} ${address}`;
  let problem = checkedAddresses.get(key);
  if (problem === undefined) {
    problem = checkAddress(address, network);
    if (checkedAddresses.size >= MAX_CHECKED_ADDRESSES) checkedAddresses.clear();
    checkedAddresses.set(key, problem);
  }
  return problem;
}

/**
 * Worker names end up in stats and metric labels: keep them short and plain. Disallowed characters become "_";
 * a name with nothing usable left becomes "default".
 */
export function sanitizeWorker(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, MAX_WORKER_LENGTH);
  return /[A-Za-z0-9]/.test(cleaned) ? cleaned : DEFAULT_WORKER;
}

/** "d=1024", "x,d=0.5" or "d=8192;x": the requested start difficulty, or null when none (or not a number). */
export function requestedDifficulty(password: unknown): number | null {
  if (typeof password !== "string") return null;
  const m = /(?:^|[,;\s])d=([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)(?:$|[,;\s])/i.exec(password);
  if (!m) return null;
  const d = Number(m[1]);
  return Number.isFinite(d) && d > 0 ? d : null;
}

/**
 * "pl=25" or "x,pl=0.5": the payout minimum the miner asks for, in sompi, or null when none. Parsed from the
 * decimal text itself (at most 8 decimals), so no amount passes through a float.
 */
export function requestedPayoutLimit(password: unknown): bigint | null {
  if (typeof password !== "string") return null;
  const m = /(?:^|[,;\s])pl=([0-9]{1,11})(?:\.([0-9]{1,8}))?(?:$|[,;\s])/i.exec(password);
  if (!m) return null;
  const sompi = BigInt(m[1]!) * 100_000_000n + BigInt((m[2] ?? "").padEnd(8, "0"));
  return sompi > 0n ? sompi : null;
}
