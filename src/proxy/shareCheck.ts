// Checks one local share before anything goes upstream, in the pool's order: job known (21), nonce in this
// miner's space (20), not a duplicate (22), enough work for the local difficulty of that job (23). Then it
// says whether the share also meets the upstream's difficulty and must be forwarded, or is counted locally.

import { errors } from "../stratum/errors.ts";
import { resolveNonce } from "../stratum/extranonce.ts";
import type { JobHistory, SentJob } from "../stratum/jobHistory.ts";
import { JOB_SEARCH_DEPTH, jobIdParam, MAX_ACCEPTED_PER_JOB, nonceParam } from "../stratum/shareValidator.ts";
import type { ProxyJob } from "./jobs.ts";

export interface ShareCheckContext {
  history: JobHistory;
  lookup(id: string): ProxyJob | undefined;
  /** This miner's part of the extranonce; the upstream's part comes from the job. */
  local: string;
  /** Firmware that reports wrong job ids gets its share tried on recent jobs (src/stratum/minerType.ts). */
  searchJobs: boolean;
}

export interface CheckedShare {
  job: ProxyJob;
  sent: SentJob;
  nonce: bigint;
  /** Meets the upstream's share target too. */
  forward: boolean;
}

function tryJob(ctx: ShareCheckContext, sent: SentJob, param: unknown): { job: ProxyJob; nonce: bigint; ok: boolean } | null {
  const job = ctx.lookup(sent.id);
  if (!job) return null;
  const nonce = resolveNonce(param, job.upstreamExtranonce + ctx.local);
  return { job, nonce, ok: job.pow.powBelow(nonce, sent.shareTarget) !== null };
}

export function checkShare(ctx: ShareCheckContext, params: unknown[]): CheckedShare {
  const param = nonceParam(params);
  const claimedId = jobIdParam(params[1]);
  let sent = claimedId === null ? undefined : ctx.history.get(claimedId);
  let found = sent ? tryJob(ctx, sent, param) : null;
  if (!found?.ok && ctx.searchJobs) {
    for (const other of ctx.history.recent(JOB_SEARCH_DEPTH)) {
      if (other.id === sent?.id) continue;
      let tried: ReturnType<typeof tryJob>;
      try {
        tried = tryJob(ctx, other, param);
      } catch {
        continue;
      }
      if (tried?.ok) {
        [sent, found] = [other, tried];
        break;
      }
    }
  }
  if (!found || !sent) throw errors.jobNotFound();
  const { job, nonce } = found;
  if (job.submitted.has(nonce)) throw errors.duplicate();
  if (!found.ok) throw errors.lowDifficulty();
  if (job.submitted.size >= MAX_ACCEPTED_PER_JOB) throw errors.jobFull();
  job.submitted.add(nonce);
  return { job, sent, nonce, forward: job.pow.powBelow(nonce, job.upstreamTarget) !== null };
}
