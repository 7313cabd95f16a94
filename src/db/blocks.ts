// Found blocks, their PPLNS window snapshots, and their progress towards credit.

import type { PortMode } from "../config/types.ts";
import type { FoundBlock } from "../shares/types.ts";
import type { Queryable } from "./database.ts";

export type BlockStatus = "rejected" | "confirming" | "red" | "matured" | "credited";

export interface WindowRow {
  address: string;
  worker: string;
  weight: bigint;
  shareCount: number;
}

/** Inserts a found block; returns false (and changes nothing) when its hash is recorded already. */
export async function insertBlock(q: Queryable, b: FoundBlock): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO blocks (hash, daa_score, finder_address, finder_worker, mode, network_difficulty, status,
                         reject_reason, found_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0))
     ON CONFLICT (hash) DO NOTHING RETURNING hash`,
    [b.hash.toLowerCase(), b.daaScore, b.address, b.worker, b.mode, b.networkDifficulty,
      b.accepted ? "confirming" : "rejected", b.rejectReason, b.foundAt],
  );
  return rows.length === 1;
}

export async function insertWindow(q: Queryable, hash: string, rows: readonly WindowRow[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO block_windows (block_hash, address, worker, weight, share_count)
     SELECT $1, a, w, g, c FROM unnest($2::text[], $3::text[], $4::numeric[], $5::int[]) AS u(a, w, g, c)`,
    [hash.toLowerCase(), rows.map((r) => r.address), rows.map((r) => r.worker), rows.map((r) => r.weight),
      rows.map((r) => r.shareCount)],
  );
}

export async function windowOf(q: Queryable, hash: string): Promise<WindowRow[]> {
  const rows = await q.query<{ address: string; worker: string; weight: string; share_count: number }>(
    `SELECT address, worker, weight::text AS weight, share_count FROM block_windows WHERE block_hash = $1
     ORDER BY address, worker`,
    [hash.toLowerCase()],
  );
  return rows.map((r) => ({ address: r.address, worker: r.worker, weight: BigInt(r.weight), shareCount: Number(r.share_count) }));
}

export interface OpenBlock {
  hash: string;
  mode: PortMode;
  status: "confirming" | "matured";
}

/** Blocks still waiting for their color, maturity or credit, oldest first. */
export async function openBlocks(q: Queryable): Promise<OpenBlock[]> {
  return q.query<OpenBlock>(
    `SELECT hash, mode, status FROM blocks WHERE status IN ('confirming', 'matured') ORDER BY found_at, hash`,
  );
}

export interface BlockProgress {
  color: "unknown" | "blue" | "red";
  confirmations: bigint | null;
  mergingBlockHash: string | null;
}

/** Records what the node says about a confirming block; `matured` carries the reward once it is final. */
export async function updateBlockProgress(
  q: Queryable,
  hash: string,
  p: BlockProgress,
  outcome: { status: "confirming" | "red" } | { status: "matured"; reward: bigint },
): Promise<void> {
  await q.query(
    `UPDATE blocks SET color = $2, confirmations = $3, merging_block_hash = $4, status = $5,
       reward = $6, matured_at = CASE WHEN $5 = 'matured' THEN now() ELSE matured_at END, updated_at = now()
     WHERE hash = $1 AND status = 'confirming'`,
    [hash.toLowerCase(), p.color, p.confirmations, p.mergingBlockHash, outcome.status,
      outcome.status === "matured" ? outcome.reward : null],
  );
}

export interface LockedBlock {
  hash: string;
  mode: PortMode;
  status: BlockStatus;
  reward: bigint | null;
}

/** Reads a block under a row lock, so two crediting runs cannot both see it uncredited. */
export async function lockBlock(q: Queryable, hash: string): Promise<LockedBlock | null> {
  const [row] = await q.query<{ hash: string; mode: PortMode; status: BlockStatus; reward: string | null }>(
    `SELECT hash, mode, status, reward::text AS reward FROM blocks WHERE hash = $1 FOR UPDATE`,
    [hash.toLowerCase()],
  );
  if (!row) return null;
  return { hash: row.hash, mode: row.mode, status: row.status, reward: row.reward === null ? null : BigInt(row.reward) };
}

export async function markCredited(q: Queryable, hash: string): Promise<void> {
  await q.query(
    `UPDATE blocks SET status = 'credited', credited_at = now(), updated_at = now() WHERE hash = $1 AND status = 'matured'`,
    [hash.toLowerCase()],
  );
}
