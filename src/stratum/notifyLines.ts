// The mining.notify line of a job, built once per job and dialect and shared by every connection it goes to:
// building it per connection was most of a 10,000-miner broadcast (~27 ms of stringify per job).

import type { Job } from "../templates/job.ts";
import type { MinerType } from "./minerType.ts";
import { notificationLine, notifyParams } from "./protocol.ts";

/** What a notify line is built from: a pool job, or a proxy's job relayed from its upstream. */
export type NotifyJob = Pick<Job, "id" | "encodings" | "timestamp">;

/** Per job: the line for each (encoding, notification form) pair, indexed by `slot`. Freed with the job. */
const lines = new WeakMap<NotifyJob, Array<string | undefined>>();

function slot(miner: MinerType): number {
  return (miner.encoding === "bigheader" ? 2 : 0) + (miner.minimalNotifications ? 1 : 0);
}

export function notifyLine(miner: MinerType, job: NotifyJob): string {
  let forJob = lines.get(job);
  if (!forJob) lines.set(job, (forJob = []));
  return (forJob[slot(miner)] ??= notificationLine(miner, "mining.notify", notifyParams(miner, job.id, job.encodings, job.timestamp)));
}
