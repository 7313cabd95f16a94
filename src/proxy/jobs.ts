// Upstream jobs as the proxy's miners see them: one local job per upstream job, shared by every miner, with a
// local decimal id (so the stratum job history can hold it), the PoW state for checking shares, and the
// upstream session, job id and share target that decide whether a share is forwarded.

import { bigHeaderJob, jobWords } from "../kaspa/jobEncoding.ts";
import { PowState } from "../kaspa/pow/index.ts";
import { difficultyToTarget } from "../kaspa/target.ts";
import type { MinerJob } from "../miner/jobParams.ts";
import type { NotifyJob } from "../stratum/notifyLines.ts";
import type { UpstreamSession } from "./upstream.ts";

export interface ProxyJob extends NotifyJob {
  upstream: UpstreamSession;
  upstreamJobId: string | number;
  /** The upstream's extranonce when the job came: the nonces of this job start with it. */
  upstreamExtranonce: string;
  pow: PowState;
  /** Upstream share difficulty for this job; raised (never lowered) when the upstream raises it mid-job. */
  upstreamDifficulty: number;
  upstreamTarget: bigint;
  /** Nonces already taken on this job, from any miner: a second one is a duplicate (22). */
  submitted: Set<bigint>;
}

export class JobBook {
  private readonly jobs = new Map<string, ProxyJob>();
  private nextId = 1;

  constructor(private readonly capacity: number) {}

  add(upstream: UpstreamSession, job: MinerJob, difficulty: number): ProxyJob {
    const id = String(this.nextId);
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const proxyJob: ProxyJob = {
      id, upstream, upstreamJobId: job.jobId, upstreamExtranonce: upstream.extranonce,
      timestamp: job.timestamp, encodings: { words: jobWords(job.prePowHash), bigHeader: bigHeaderJob(job.prePowHash, job.timestamp) },
      pow: new PowState(job.prePowHash, job.timestamp),
      upstreamDifficulty: difficulty, upstreamTarget: difficultyToTarget(difficulty), submitted: new Set(),
    };
    this.jobs.set(id, proxyJob);
    if (this.jobs.size > this.capacity) this.jobs.delete(this.jobs.keys().next().value!);
    return proxyJob;
  }

  get(id: string): ProxyJob | undefined {
    return this.jobs.get(id);
  }

  /** A higher upstream difficulty applies to its current job at once: a stricter share is still a share. */
  raise(job: ProxyJob, difficulty: number): void {
    if (difficulty <= job.upstreamDifficulty) return;
    job.upstreamDifficulty = difficulty;
    job.upstreamTarget = difficultyToTarget(difficulty);
  }

  /** Jobs of a closed session name work no pool will take. */
  forget(upstream: UpstreamSession): void {
    for (const [id, job] of this.jobs) if (job.upstream === upstream) this.jobs.delete(id);
  }

  get size(): number {
    return this.jobs.size;
  }
}
