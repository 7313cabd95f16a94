// One stratum session: the miner's side of the protocol, from subscribe to the last reply.
// It owns no socket and no threads; the caller feeds it lines and acts on what it emits,
// so a reconnect is simply a new session.

import { difficultyToTarget } from "../kaspa/target.ts";
import type { Logger } from "../common/log.ts";
import { minerProfile, type MinerProfile } from "./agent.ts";
import { decodeJobParams, type MinerJob } from "./jobParams.ts";
import { parseServerMessage, request, subscribeExtranonce } from "./messages.ts";
import { formatNonce, NO_EXTRANONCE, parseExtranonce, type Extranonce } from "./nonce.ts";

export interface Work {
  /** Local id of this piece of work; shares found on it are submitted against its job. */
  key: number;
  job: MinerJob;
  /** A nonce is a share iff pow < target. */
  target: bigint;
  extranonce: Extranonce;
}

export interface SessionEvents {
  send(line: string): void;
  /** New work replaces whatever was being hashed. */
  work(work: Work): void;
  /** The current work's target got stricter; keep hashing the same nonces. */
  target(key: number, target: bigint): void;
  accepted(): void;
  rejected(reason: string): void;
  /** Something the pool did wrong that the user should see; the session keeps going. */
  problem(message: string): void;
  /** The pool refused the login: nothing this session sends will ever count. */
  refused(reason: string): void;
}

type Pending = "subscribe" | "authorize" | "submit";

// Shares found on a job the pool has since replaced are still worth sending (pools keep recent jobs).
const RECENT_JOBS = 16;

// Work keys are unique in the process, not per session, so a share a worker finds on the previous
// connection's work can never be submitted against a job of the next one.
let lastWorkKey = 0;

export class StratumSession {
  private readonly profile: MinerProfile;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private extranonce: Extranonce = NO_EXTRANONCE;
  // Stratum's implicit difficulty until the pool says otherwise.
  private difficulty = 1;
  private current: Work | null = null;
  private readonly recent = new Map<number, MinerJob>();

  constructor(
    private readonly user: string,
    private readonly agent: string,
    private readonly events: SessionEvents,
    private readonly log: Logger,
  ) {
    this.profile = minerProfile(agent);
  }

  /** Subscribe and authorize are sent back to back, as lolMiner does (spec §3.1 wire log). */
  start(): void {
    this.call("subscribe", "mining.subscribe", [this.agent]);
    this.call("authorize", "mining.authorize", [this.user, "x"]);
  }

  receive(line: string): void {
    try {
      this.handle(line);
    } catch (err) {
      this.events.problem((err as Error).message);
    }
  }

  submit(key: number, nonce: bigint): void {
    const job = this.recent.get(key);
    if (!job) return;
    this.call("submit", "mining.submit", [this.user, job.jobId, formatNonce(nonce)]);
  }

  private call(kind: Pending, method: string, params: unknown[]): void {
    const id = this.nextId++;
    this.pending.set(id, kind);
    this.events.send(request(id, method, params));
  }

  private handle(line: string): void {
    const msg = parseServerMessage(line);
    switch (msg.kind) {
      case "notify":
        return this.newJob(decodeJobParams(msg.params, this.profile.encoding));
      case "difficulty":
        return this.setDifficulty(msg.difficulty);
      case "extranonce":
        return this.setExtranonce(msg.extranonce);
      case "reply":
        return this.reply(msg.id, msg.result, msg.error);
      case "other":
        this.log.debug("ignoring pool method", { method: msg.method });
    }
  }

  private newJob(job: MinerJob): void {
    const key = ++lastWorkKey;
    this.recent.set(key, job);
    if (this.recent.size > RECENT_JOBS) this.recent.delete(this.recent.keys().next().value!);
    this.current = { key, job, target: difficultyToTarget(this.difficulty), extranonce: this.extranonce };
    this.events.work(this.current);
  }

  // The pool checks a share against the difficulty in force when it sent the job. A higher new
  // difficulty is applied at once (a stricter share is still valid); a lower one waits for the next job.
  private setDifficulty(difficulty: number): void {
    this.difficulty = difficulty;
    const target = difficultyToTarget(difficulty);
    if (this.current && target < this.current.target) {
      this.current.target = target;
      this.events.target(this.current.key, target);
    }
  }

  private setExtranonce(hex: string): void {
    this.extranonce = parseExtranonce(hex);
    if (this.current) this.newJob(this.current.job);
  }

  private reply(id: unknown, result: unknown, error: string | null): void {
    const kind = typeof id === "number" ? this.pending.get(id) : undefined;
    if (kind === undefined) return;
    this.pending.delete(id as number);
    if (kind === "subscribe") {
      if (error) return this.events.problem(`subscribe failed: ${error}`);
      const extranonce = subscribeExtranonce(result);
      if (extranonce !== null) this.setExtranonce(extranonce);
    } else if (kind === "authorize") {
      if (error || result !== true) this.events.refused(`authorize refused: ${error ?? "pool answered " + String(result)}`);
    } else if (result === true && !error) {
      this.events.accepted();
    } else {
      this.events.rejected(error ?? "pool answered " + String(result));
    }
  }
}
