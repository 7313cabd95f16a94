// Validates one mining.submit, in a fixed order: authorized (24), job known (21), nonce well formed (20),
// not a duplicate (22), enough work for the difficulty of that job on this connection (23), room on the job (21).
// A nonce at or under the job's network target is a block and is accepted whatever the share target: a block is
// never thrown away. Pure apart from remembering an accepted nonce on the job, which is what makes duplicates
// visible to every connection; a rejected nonce is not remembered, so junk costs no memory.

import type { Job } from "../templates/job.ts";
import { errors } from "./errors.ts";
import { resolveNonce } from "./extranonce.ts";
import type { JobHistory, SentJob } from "./jobHistory.ts";

export interface ShareContext {
  authorized: boolean;
  extranonce: string;
  /** Try recent jobs when the claimed one fails: only for firmware that reports wrong job ids (minerType.ts). */
  searchJobs: boolean;
  history: JobHistory;
  /** Jobs still cached by the follower; a job that left the cache is unknown even if it was sent. */
  lookup(id: string): Job | undefined;
}

export interface ValidShare {
  job: Job;
  sent: SentJob;
  nonce: bigint;
  pow: bigint;
  /** pow <= the network target: submit the block. */
  isBlock: boolean;
}

/**
 * IceRiver and Bitmain firmware report wrong job ids (rdugan share_handler.go, rusty bridge share_handler.rs),
 * so their share that fails on its claimed job is tried on this many of the connection's newest jobs, each once.
 * Other miners' bad shares cost one PoW check: the search would multiply the cost of junk by up to nine.
 */
export const JOB_SEARCH_DEPTH = 8;

/**
 * Accepted nonces one job remembers for duplicate detection (~85 bytes each: ~22 MB for a full job). Far above
 * honest use: 20,000 connections at 20 shares a minute send ~6,700 shares a second, ~670 on a job that is the
 * newest for 100 ms at 10 BPS; the headroom covers a job that stays newest for seconds (a stalled node, the 2-second
 * templates of bench/stratum.ts at 50,000 shares/s). Out of reach at a mainnet difficulty floor: 2^18 shares of
 * difficulty 256 in a job's life is a third of the network's hashrate. A full job refuses further shares (21)
 * rather than forget one, since a forgotten nonce could be credited twice; blocks are still taken.
 */
export const MAX_ACCEPTED_PER_JOB = 262_144;

/** [worker, jobId, nonce], or the 5-parameter layout [worker, jobId, extranonce2, ntime, nonce] (spec §3.7). */
export function nonceParam(params: unknown[]): unknown {
  return params.length >= 5 ? params[4] : params[2];
}

/** The claimed job id as the job history keys it; null for one no job could have. */
export function jobIdParam(value: unknown): string | null {
  if (typeof value === "string" && value.length > 0 && value.length <= 32) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

export function validateShare(ctx: ShareContext, params: unknown[]): ValidShare {
  if (!ctx.authorized) throw errors.unauthorized();

  const claimedId = jobIdParam(params[1]);
  const claimedSent = claimedId === null ? undefined : ctx.history.get(claimedId);
  const claimedJob = claimedSent && ctx.lookup(claimedSent.id);
  if (!claimedJob && ctx.history.size === 0) throw errors.jobNotFound();

  const nonce = resolveNonce(nonceParam(params), ctx.extranonce);

  let sent = claimedJob ? claimedSent : undefined;
  let job = claimedJob;
  // null: neither a share nor a block (no bigint is built for it).
  let pow = job && sent ? powAccepted(job, sent, nonce) : null;
  if (pow === null && ctx.searchJobs) {
    const found = searchRecent(ctx, sent?.id, nonce);
    if (found) ({ sent, job, pow } = found);
  }
  if (!sent || !job) throw errors.jobNotFound();

  if (job.submitted.has(nonce)) throw errors.duplicate();
  if (pow === null) throw errors.lowDifficulty();
  const isBlock = pow <= job.target;
  if (!isBlock && job.submitted.size >= MAX_ACCEPTED_PER_JOB) throw errors.jobFull();
  job.submitted.add(nonce);
  return { job, sent, nonce, pow, isBlock };
}

/**
 * The PoW if the nonce is a share (pow < share target) or a block (pow <= network target), else null. One
 * powBelow against the easier of the two targets; the caller tells a block from a share by `pow <= job.target`.
 */
function powAccepted(job: Job, sent: SentJob, nonce: bigint): bigint | null {
  return job.pow.powBelow(nonce, sent.shareTarget > job.target ? sent.shareTarget : job.target + 1n);
}

function searchRecent(ctx: ShareContext, skipId: string | undefined, nonce: bigint): { sent: SentJob; job: Job; pow: bigint } | null {
  for (const sent of ctx.history.recent(JOB_SEARCH_DEPTH)) {
    if (sent.id === skipId) continue;
    const job = ctx.lookup(sent.id);
    if (!job) continue;
    const pow = powAccepted(job, sent, nonce);
    if (pow !== null) return { sent, job, pow };
  }
  return null;
}
