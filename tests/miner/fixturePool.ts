// The pool's side of the stratum conversation, scripted from the spec (§3.1 wire log, §3.2–§3.8),
// for testing the miner over a real socket. It checks every submitted nonce with PowState.
// It is a fixture for the miner, not a stand-in for src/stratum.

import type { Socket, TCPSocketListener } from "bun";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { bytesToHex } from "../../src/common/hex.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";

export interface FixtureJob {
  id: string;
  prePowHash: Uint8Array;
  timestamp: bigint;
  state: PowState;
}

export interface Submit {
  conn: number;
  params: unknown[];
  jobId: string;
  nonce: bigint;
  valid: boolean;
  reason: string | null;
}

interface Conn {
  id: number;
  socket: Socket<Conn>;
  inbox: string;
  agent: string;
  bitmain: boolean;
  bigHeader: boolean;
  extranonce: string;
}

export interface FixtureOptions {
  /** Share difficulty as log2: an exact power of two keeps the fixture's target independent of src/kaspa/target.ts. */
  difficultyLog2: number;
  /** Reply to submits with this error instead of checking them. */
  rejectWith?: () => unknown[] | null;
}

export class FixturePool {
  readonly submits: Submit[] = [];
  readonly received: string[] = [];
  private readonly conns = new Map<number, Conn>();
  private readonly jobs = new Map<string, FixtureJob>();
  private current!: FixtureJob;
  private nextConn = 1;
  private nextJob = 1;
  private waiters: Array<() => void> = [];
  private listener!: TCPSocketListener<Conn>;
  connections = 0;

  constructor(private readonly opts: FixtureOptions) {
    this.newJob();
  }

  get url(): string {
    return `stratum+tcp://127.0.0.1:${this.listener.port}`;
  }

  start(port = 0): this {
    this.listener = Bun.listen<Conn>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (socket) => {
          const id = this.nextConn++;
          this.connections++;
          // A 2-byte extranonce unique per connection, as bridges allocate them (spec §3.3).
          socket.data = { id, socket, inbox: "", agent: "", bitmain: false, bigHeader: false, extranonce: (0xa000 + id).toString(16) };
          this.conns.set(id, socket.data);
        },
        data: (socket, chunk) => this.onData(socket.data, chunk),
        close: (socket) => void this.conns.delete(socket.data.id),
      },
    });
    return this;
  }

  stop(): void {
    for (const c of this.conns.values()) c.socket.end();
    this.listener.stop(true);
  }

  /** A new job, broadcast to every authorized connection. */
  newJob(): FixtureJob {
    const prePowHash = crypto.getRandomValues(new Uint8Array(32));
    const timestamp = BigInt(Date.now());
    const job = { id: String(this.nextJob++), prePowHash, timestamp, state: new PowState(prePowHash, timestamp) };
    this.jobs.set(job.id, job);
    this.current = job;
    for (const c of this.conns.values()) if (c.agent) this.notify(c);
    return job;
  }

  jobPow(s: Submit): bigint {
    return this.jobs.get(s.jobId)!.state.pow(s.nonce);
  }

  dropAll(): void {
    for (const c of this.conns.values()) c.socket.end();
  }

  send(conn: number, message: unknown): void {
    this.conns.get(conn)?.socket.write(stringifyJson(message) + "\n");
  }

  connectionIds(): number[] {
    return [...this.conns.keys()];
  }

  extranonceOf(conn: number): string {
    return (0xa000 + conn).toString(16);
  }

  /** Resolves once `check` holds, re-evaluated after every received message. */
  async until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("fixture pool: condition not met in time");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private target(): bigint {
    return 1n << BigInt(224 - this.opts.difficultyLog2);
  }

  private onData(c: Conn, chunk: Uint8Array): void {
    c.inbox += new TextDecoder().decode(chunk);
    let nl: number;
    while ((nl = c.inbox.indexOf("\n")) >= 0) {
      const line = c.inbox.slice(0, nl);
      c.inbox = c.inbox.slice(nl + 1);
      this.received.push(line);
      this.handle(c, parseJson(line) as { id: number; method: string; params: unknown[] });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private reply(c: Conn, id: number, result: unknown, error: unknown = null): void {
    c.socket.write(stringifyJson({ id, jsonrpc: "2.0", result, error }) + "\n");
  }

  private handle(c: Conn, msg: { id: number; method: string; params: unknown[] }): void {
    switch (msg.method) {
      case "mining.subscribe": {
        c.agent = String(msg.params[0]);
        c.bitmain = /godminer/i.test(c.agent);
        c.bigHeader = /iceriverminer|bzminer|goldshell/i.test(c.agent);
        return this.reply(c, msg.id, c.bitmain ? [null, c.extranonce, 6] : [true, "EthereumStratum/1.0.0"]);
      }
      case "mining.authorize":
        this.reply(c, msg.id, true);
        // Miningcore's unprefixed name and [en, size] shape for one family, the bridges' form for the other.
        if (!c.bitmain) {
          const method = c.bigHeader ? "mining.set_extranonce" : "set_extranonce";
          this.send(c.id, { id: null, method, params: c.bigHeader ? [c.extranonce] : [c.extranonce, 6] });
        }
        this.send(c.id, { id: null, method: "mining.set_difficulty", params: [2 ** this.opts.difficultyLog2] });
        return this.notify(c);
      case "mining.submit":
        return this.submit(c, msg.id, msg.params);
      default:
        return this.reply(c, msg.id, null, [20, "Unknown problem", null]);
    }
  }

  private notify(c: Conn): void {
    const j = this.current;
    const view = new DataView(j.prePowHash.buffer);
    const ts = new Uint8Array(8);
    new DataView(ts.buffer).setBigUint64(0, j.timestamp, true);
    const params = c.bigHeader
      ? [j.id, bytesToHex(j.prePowHash) + bytesToHex(ts)]
      : [j.id, [0, 8, 16, 24].map((o) => view.getBigUint64(o, true)), j.timestamp];
    this.send(c.id, { id: null, method: "mining.notify", params });
  }

  private submit(c: Conn, id: number, params: unknown[]): void {
    const [, jobId, nonceHex] = params as [string, string, string];
    const job = this.jobs.get(jobId);
    const nonce = /^[0-9a-f]{16}$/.test(nonceHex) ? BigInt("0x" + nonceHex) : -1n;
    let reason: string | null = null;
    if (!job) reason = "job not found";
    else if (nonce < 0n) reason = "nonce is not 16 hex";
    else if (nonceHex.slice(0, c.extranonce.length) !== c.extranonce) reason = "nonce lacks the extranonce";
    else if (job.state.pow(nonce) >= this.target()) reason = "low difficulty";
    this.submits.push({ conn: c.id, params, jobId, nonce, valid: reason === null, reason });
    const forced = this.opts.rejectWith?.();
    if (forced) return this.reply(c, id, null, forced);
    if (reason) return this.reply(c, id, null, [23, reason, null]);
    this.reply(c, id, true);
  }
}
