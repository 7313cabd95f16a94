// The last N jobs of one follower, oldest evicted first. Evicting a job frees its id and its duplicate-nonce set.

import type { Job } from "./job.ts";
import type { JobIds } from "./jobIds.ts";

export class JobCache {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly capacity: number, private readonly ids: JobIds) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("job cache needs room for at least one job");
  }

  /** Adds a job built around a fresh id; evicts the oldest job when full. */
  add(build: (id: string) => Job): Job {
    const id = this.ids.take();
    let job: Job;
    try {
      job = build(id);
    } catch (err) {
      this.ids.release(id);
      throw err;
    }
    this.jobs.set(id, job);
    while (this.jobs.size > this.capacity) {
      const oldest = this.jobs.keys().next().value!;
      this.jobs.delete(oldest);
      this.ids.release(oldest);
    }
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Frees every id, for a follower that stops. */
  clear(): void {
    for (const id of this.jobs.keys()) this.ids.release(id);
    this.jobs.clear();
  }
}
