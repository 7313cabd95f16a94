// Found blocks, their PPLNS window snapshots, and their progress towards credit.

import type { PortMode } from "../config/types.ts";
import type { FoundBlock } from "../shares/types.ts";
import type { Queryable } from "./database.ts";

/** Every status a block row can have, in the order a block moves through them. */
export const BLOCK_STATUSES = ["rejected", "confirming", "red", "orphaned", "matured", "credited"] as const;
export type BlockStatus = (typeof BLOCK_STATUSES)[number];

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
                         reject_reason, found_at, pending_block)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), $10)
     ON CONFLICT (hash) DO NOTHING RETURNING hash`,
    [b.hash.toLowerCase(), b.daaScore, b.address, b.worker, b.mode, b.networkDifficulty,
      b.accepted || b.pendingBlock ? "confirming" : "rejected", b.rejectReason, b.foundAt, b.pendingBlock ?? null],
  );
  return rows.length === 1;
}

/** Followed blocks whose submission no node has answered yet, oldest first, with the block as submitted. */
export async function unansweredSubmissions(q: Queryable): Promise<Array<{ hash: string; block: string }>> {
  // The tracker settles a block the node places (or orphans one it never does): nothing left to resubmit.
  await q.query("UPDATE blocks SET pending_block = NULL WHERE pending_block IS NOT NULL AND status <> 'confirming'");
  const rows = await q.query<{ hash: string; pending_block: string }>(
    "SELECT hash, pending_block FROM blocks WHERE pending_block IS NOT NULL ORDER BY found_at, hash",
  );
  return rows.map((r) => ({ hash: r.hash, block: r.pending_block }));
}

/** A node answered a resubmission: accepted (rejectReason null) or rejected, which ends the block. */
export async function settleSubmission(q: Queryable, hash: string, rejectReason: string | null): Promise<void> {
  await q.query(
    `UPDATE blocks SET pending_block = NULL, status = CASE WHEN $2::text IS NULL THEN status ELSE 'rejected' END,
       reject_reason = $2, updated_at = now()
     WHERE hash = $1 AND pending_block IS NOT NULL AND status = 'confirming'`,
    [hash.toLowerCase(), rejectReason],
  );
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

/**
 * Accepted PPLNS blocks whose window is not cut yet, found before `watermarkMs` (unix ms): every share accepted up
 * to the moment they were found is in the database. found_at and accepted_at are both to_timestamp(ms / 1000.0).
 */
export async function blocksAwaitingWindow(q: Queryable, watermarkMs: number): Promise<string[]> {
  const rows = await q.query<{ hash: string }>(
    `SELECT hash FROM blocks WHERE window_cut_at IS NULL AND mode = 'pplns' AND status <> 'rejected'
       AND found_at < to_timestamp($1 / 1000.0) ORDER BY found_at, hash`,
    [watermarkMs],
  );
  return rows.map((r) => r.hash);
}

/** Locks an accepted PPLNS block whose window is not cut yet; null if there is no such block. */
export async function lockWindowlessBlock(q: Queryable, hash: string): Promise<{ foundAt: string; networkDifficulty: number } | null> {
  const [row] = await q.query<{ found_at: string; network_difficulty: number }>(
    `SELECT found_at::text AS found_at, network_difficulty FROM blocks
     WHERE hash = $1 AND window_cut_at IS NULL AND mode = 'pplns' AND status <> 'rejected' FOR UPDATE`,
    [hash.toLowerCase()],
  );
  return row ? { foundAt: row.found_at, networkDifficulty: Number(row.network_difficulty) } : null;
}

export interface OpenBlock {
  hash: string;
  mode: PortMode;
  status: "confirming" | "matured";
  daaScore: bigint;
}

/** Blocks still waiting for their color, maturity or credit, oldest first. */
export async function openBlocks(q: Queryable): Promise<OpenBlock[]> {
  const rows = await q.query<{ hash: string; mode: PortMode; status: "confirming" | "matured"; daa_score: string }>(
    `SELECT hash, mode, status, daa_score::text AS daa_score
     FROM blocks WHERE status IN ('confirming', 'matured') ORDER BY found_at, hash`,
  );
  return rows.map((r) => ({ hash: r.hash, mode: r.mode, status: r.status, daaScore: BigInt(r.daa_score) }));
}

export interface BlockProgress {
  color: "unknown" | "blue" | "red";
  confirmations: bigint | null;
  mergingBlockHash: string | null;
}

export type BlockOutcome = { status: "confirming" | "red" | "orphaned" } | { status: "matured"; reward: bigint };

/** Records what the node says about a confirming block; `matured` carries the reward once it is final. */
export async function updateBlockProgress(q: Queryable, hash: string, p: BlockProgress, outcome: BlockOutcome): Promise<void> {
  await q.query(
    `UPDATE blocks SET color = $2, confirmations = $3, merging_block_hash = $4, status = $5,
       reward = CASE WHEN $5 = 'matured' THEN $6::numeric END,
       matured_at = CASE WHEN $5 = 'matured' THEN now() ELSE matured_at END, updated_at = now()
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
  windowCut: boolean;
}

/** Reads a block under a row lock, so two crediting runs cannot both see it uncredited. */
export async function lockBlock(q: Queryable, hash: string): Promise<LockedBlock | null> {
  const [row] = await q.query<{ hash: string; mode: PortMode; status: BlockStatus; reward: string | null; window_cut: boolean }>(
    `SELECT hash, mode, status, reward::text AS reward, window_cut_at IS NOT NULL AS window_cut FROM blocks
     WHERE hash = $1 FOR UPDATE`,
    [hash.toLowerCase()],
  );
  if (!row) return null;
  return {
    hash: row.hash, mode: row.mode, status: row.status, reward: row.reward === null ? null : BigInt(row.reward),
    windowCut: row.window_cut,
  };
}

export async function markCredited(q: Queryable, hash: string): Promise<void> {
  await q.query(
    `UPDATE blocks SET status = 'credited', credited_at = now(), updated_at = now() WHERE hash = $1 AND status = 'matured'`,
    [hash.toLowerCase()],
  );
}
