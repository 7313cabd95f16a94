// The jobs sent to one connection, each with the share difficulty in force when it was sent: a share is judged
// by the difficulty of ITS job, so a vardiff change never applies to work the miner had before hearing of it
// (peers.md bug 1, last item).
//
// Kept compact because every idle connection carries a full history: the ids sit in a ring of uint32 (job ids
// are decimal strings, src/templates/jobIds.ts) and the difficulty in a short list of the points where it
// changed, which it rarely does. A Map of one object per job cost ~6.7 KB per connection at 300 jobs.

import { difficultyToTarget } from "../kaspa/target.ts";

export interface SentJob {
  id: string;
  difficulty: number;
  /** floor(2^224 / difficulty): a share needs pow < shareTarget. */
  shareTarget: bigint;
}

/**
 * Share targets by difficulty: every connection on a port usually has one of a few difficulties, and a
 * broadcast to 10,000 connections otherwise divides 10,000 bigints (~7 ms). Bounded: vardiff can produce many.
 */
const targets = new Map<number, bigint>();
const MAX_CACHED_TARGETS = 4096;

function shareTargetFor(difficulty: number): bigint {
  let target = targets.get(difficulty);
  if (target === undefined) {
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(difficulty, (target = difficultyToTarget(difficulty)));
  }
  return target;
}

const U32_MAX = 0xffffffff;

/** The uint32 a job id spells in canonical decimal ("0" or no leading zero), or -1: any other id names no job. */
function parseJobId(id: string): number {
  if (id.length === 0 || id.length > 10 || (id.length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= U32_MAX ? value : -1;
}

/** From the job numbered `seq` (in order of sending) on, jobs were sent at this difficulty. */
interface DifficultyFrom {
  seq: number;
  difficulty: number;
  shareTarget: bigint;
}

export class JobHistory {
  /** Job `seq` is at index seq % capacity; grown as jobs arrive, so a young connection holds only what it got. */
  private ids = new Uint32Array(4);
  /** Jobs ever added: the next job's seq. */
  private count = 0;
  /** Oldest first; the first one covers the oldest job still held. */
  private readonly changes: DifficultyFrom[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("job history needs room for at least one job");
  }

  /** Records a job as sent; a job already held keeps the difficulty it was first sent at. */
  add(id: string, difficulty: number, shareTarget = shareTargetFor(difficulty)): void {
    const value = parseJobId(id);
    if (value < 0) throw new RangeError(`job id "${id.slice(0, 40)}" is not a decimal uint32`);
    if (this.seqOf(value) >= 0) return;
    const seq = this.count++;
    if (seq < this.capacity && seq >= this.ids.length) this.grow();
    this.ids[seq % this.capacity] = value;
    const last = this.changes[this.changes.length - 1];
    if (!last || last.difficulty !== difficulty || last.shareTarget !== shareTarget) this.changes.push({ seq, difficulty, shareTarget });
    const oldest = this.oldestSeq();
    while (this.changes.length > 1 && this.changes[1]!.seq <= oldest) this.changes.shift();
  }

  get(id: string): SentJob | undefined {
    const value = parseJobId(id);
    const seq = value < 0 ? -1 : this.seqOf(value);
    return seq < 0 ? undefined : this.sentJob(seq);
  }

  /** Newest first, at most `limit`. */
  recent(limit: number): SentJob[] {
    const out: SentJob[] = [];
    for (let seq = this.count - 1; seq >= this.oldestSeq() && out.length < limit; seq--) out.push(this.sentJob(seq));
    return out;
  }

  get size(): number {
    return this.count - this.oldestSeq();
  }

  private oldestSeq(): number {
    return Math.max(0, this.count - this.capacity);
  }

  /** Newest first: the job a share names is almost always one of the last few sent. */
  private seqOf(value: number): number {
    for (let seq = this.count - 1, oldest = this.oldestSeq(); seq >= oldest; seq--) {
      if (this.ids[seq % this.capacity] === value) return seq;
    }
    return -1;
  }

  private sentJob(seq: number): SentJob {
    let i = this.changes.length - 1;
    while (this.changes[i]!.seq > seq) i--;
    const { difficulty, shareTarget } = this.changes[i]!;
    return { id: String(this.ids[seq % this.capacity]), difficulty, shareTarget };
  }

  private grow(): void {
    const ids = new Uint32Array(Math.min(this.capacity, this.ids.length * 2));
    ids.set(this.ids);
    this.ids = ids;
  }
}
