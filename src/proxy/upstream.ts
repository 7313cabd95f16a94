// One connection to an upstream stratum pool, as a miner: subscribe, authorize, then jobs, difficulty and
// extranonce in, submits out with each verdict matched to its request. The line socket and the message parser
// are the CPU miner's (src/miner); replies are read here to keep the pool's error code.

import { parseJson, stringifyJson } from "../common/json.ts";
import type { Logger } from "../common/log.ts";
import type { UpstreamConfig } from "../config/types.ts";
import { decodeJobParams, type MinerJob } from "../miner/jobParams.ts";
import { LineSocket, parseStratumUrl } from "../miner/lineSocket.ts";
import { parseServerMessage, subscribeExtranonce } from "../miner/messages.ts";
import { parseExtranonce } from "../miner/nonce.ts";

/** The agent the proxy subscribes with: a plain 4-word-job miner to every pool. */
export const PROXY_AGENT = "kaspool-proxy/0.1";

export type Verdict = { accepted: true } | { accepted: false; code: number | null; message: string };

export interface UpstreamEvents {
  /** Authorized and holding a first job: miners can be moved here. */
  ready(): void;
  job(job: MinerJob, difficulty: number): void;
  difficulty(difficulty: number): void;
  /** Once; `failed` unless close() was called. */
  closed(reason: string, failed: boolean): void;
}

interface PendingSubmit {
  resolve(v: Verdict): void;
  timer: ReturnType<typeof setTimeout>;
}

export class UpstreamSession {
  extranonce = "";
  difficulty = 1;
  isReady = false;
  private authorized = false;
  private hasJob = false;
  private socket: LineSocket | null = null;
  private nextId = 1;
  private subscribeId = 0;
  private authorizeId = 0;
  private readonly pending = new Map<number, PendingSubmit>();
  private done = false;
  private closing = false;
  private readonly handshake: ReturnType<typeof setTimeout>;

  private constructor(
    private readonly config: UpstreamConfig,
    private readonly opts: { connectTimeoutMs: number; submitTimeoutMs: number },
    private readonly events: UpstreamEvents,
    private readonly log: Logger,
  ) {
    this.handshake = setTimeout(() => this.fail("no job within the connect timeout"), opts.connectTimeoutMs);
  }

  /** Dials; a refused connection rejects. The session then reports through `events` until closed. */
  static async open(config: UpstreamConfig, opts: { connectTimeoutMs: number; submitTimeoutMs: number }, events: UpstreamEvents, log: Logger): Promise<UpstreamSession> {
    const session = new UpstreamSession(config, opts, events, log);
    const address = parseStratumUrl(config.url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("connect timed out")), opts.connectTimeoutMs)));
    const dial = LineSocket.connect({ ...address, tls: config.tls }, { line: (l) => session.receive(l), closed: (r) => session.lost(r) });
    try {
      session.socket = await Promise.race([dial, timeout]);
    } catch (err) {
      clearTimeout(session.handshake);
      session.done = true;
      dial.then((s) => s.close(), () => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
    session.subscribeId = session.call("mining.subscribe", [PROXY_AGENT]);
    session.authorizeId = session.call("mining.authorize", [config.user, config.password]);
    return session;
  }

  get name(): string {
    return this.config.name;
  }

  /** The full 16-hex nonce goes up: pools take it as is and check their extranonce in its top bytes. */
  submit(jobId: string | number, nonce: bigint): Promise<Verdict> {
    if (this.done || !this.socket) return Promise.resolve({ accepted: false, code: 20, message: "Upstream connection lost" });
    return new Promise((resolve) => {
      const id = this.call("mining.submit", [this.config.user, jobId, nonce.toString(16).padStart(16, "0")]);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ accepted: false, code: null, message: "Upstream did not answer the share in time" });
        if (this.closing && this.pending.size === 0) this.close();
      }, this.opts.submitTimeoutMs);
      this.pending.set(id, { resolve, timer });
    });
  }

  close(): void {
    this.end("closed by the proxy", false);
  }

  /** Closes once every forwarded share has its verdict (or its submit timeout): no share already sent is cut off. */
  closeWhenAnswered(): void {
    this.closing = true;
    // No new miner is moved onto a session on its way out.
    this.isReady = false;
    if (this.pending.size === 0) this.close();
  }

  /** Closes the session as a failure of the upstream (a storm of rejected shares). */
  abandon(reason: string): void {
    this.end(reason, true);
  }

  private call(method: string, params: unknown[]): number {
    const id = this.nextId++;
    this.socket?.send(stringifyJson({ id, method, params }) + "\n");
    return id;
  }

  private receive(line: string): void {
    try {
      const msg = parseJson(line) as Record<string, unknown>;
      if (msg && typeof msg === "object" && typeof msg.method !== "string" && "id" in msg) return this.reply(msg);
      const m = parseServerMessage(line);
      if (m.kind === "notify") {
        // We subscribe as a 4-word miner; a pool that sends everyone the big header is understood as well.
        const bigHeader = Array.isArray(m.params) && typeof m.params[1] === "string";
        this.events.job(decodeJobParams(m.params, bigHeader ? "bigheader" : "words"), this.difficulty);
        this.hasJob = true;
        this.checkReady();
      } else if (m.kind === "difficulty") {
        this.difficulty = m.difficulty;
        this.events.difficulty(m.difficulty);
      } else if (m.kind === "extranonce") {
        this.setExtranonce(m.extranonce);
      }
    } catch (err) {
      this.log.warn("upstream sent a line the proxy cannot use", { upstream: this.name, error: (err as Error).message });
    }
  }

  private reply(msg: Record<string, unknown>): void {
    const id = typeof msg.id === "number" ? msg.id : -1;
    const error = msg.error ?? null;
    if (id === this.subscribeId) {
      if (error) return this.fail(`subscribe refused: ${describe(error).message}`);
      const extranonce = subscribeExtranonce(msg.result);
      if (extranonce !== null) this.setExtranonce(extranonce);
      return;
    }
    if (id === this.authorizeId) {
      if (error || msg.result !== true) return this.fail(`authorize refused: ${error ? describe(error).message : String(msg.result)}`);
      this.authorized = true;
      return this.checkReady();
    }
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(msg.result === true && !error ? { accepted: true } : { accepted: false, ...describe(error ?? "share not accepted") });
    if (this.closing && this.pending.size === 0) this.close();
  }

  private setExtranonce(hex: string): void {
    parseExtranonce(hex);
    // Jobs take the extranonce in force when they come; miners are moved to a new one with the next job.
    this.extranonce = hex.toLowerCase();
  }

  private checkReady(): void {
    if (this.isReady || !this.authorized || !this.hasJob) return;
    this.isReady = true;
    clearTimeout(this.handshake);
    this.events.ready();
  }

  private fail(reason: string): void {
    this.end(reason, true);
  }

  private lost(reason: string): void {
    this.end(reason, true);
  }

  private end(reason: string, failed: boolean): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.handshake);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve({ accepted: false, code: 20, message: "Upstream connection lost" });
    }
    this.pending.clear();
    this.socket?.close();
    this.events.closed(reason, failed);
  }
}

/** Bridges send `[code, message, data]`, Miningcore `{code, message}` (spec §3.8). */
function describe(error: unknown): { code: number | null; message: string } {
  let code: unknown = null;
  let message: unknown = error;
  if (Array.isArray(error)) [code, message] = error;
  else if (error && typeof error === "object") ({ code, message } = error as { code?: unknown; message?: unknown });
  const text = typeof message === "string" ? message : JSON.stringify(message ?? "error") ?? "error";
  return { code: typeof code === "number" && Number.isInteger(code) ? code : null, message: text.replace(/[\r\n]+/g, " ").slice(0, 120) };
}
