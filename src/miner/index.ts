// The CPU miner as a library: tests, benchmarks and the CLI all start it through startMiner.

import { silentLogger, type Logger } from "../common/log.ts";
import { DEFAULT_AGENT } from "./agent.ts";
import { HashWorkers } from "./hashWorkers.ts";
import { LineSocket, parseStratumUrl, type StratumAddress, type TlsTrust } from "./lineSocket.ts";
import { StratumSession } from "./session.ts";

export interface MinerOptions {
  /** stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT */
  url: string;
  /** For stratum+ssl: which certificate to trust (default: the system's roots). */
  tls?: TlsTrust;
  /** ADDRESS.WORKER */
  user: string;
  /** User agent sent in mining.subscribe; it decides the job encoding the pool uses. */
  agent?: string;
  threads?: number;
  log?: Logger;
}

export interface MinerStats {
  hashes: number;
  accepted: number;
  rejected: number;
  lastError: string | null;
}

export interface Miner {
  stats(): MinerStats;
  /** Resolves when the pool accepts the first share. */
  readonly firstAccepted: Promise<void>;
  /** Resolves with the pool's reason if it refuses the login; the miner has then stopped (retrying would not help). */
  readonly refused: Promise<string>;
  stop(): Promise<void>;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * Resolves after the first connection attempt. A pool that is down or drops the connection is retried with
 * backoff (250 ms doubling to 10 s) until stop(); stats().lastError says what went wrong last.
 */
export async function startMiner(opts: MinerOptions): Promise<Miner> {
  const address = parseStratumUrl(opts.url);
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError("threads must be a positive integer");
  const miner = new CpuMiner(address, opts.tls ?? {}, opts.user, opts.agent ?? DEFAULT_AGENT, threads, opts.log ?? silentLogger);
  await miner.connect();
  return miner;
}

class CpuMiner implements Miner {
  readonly firstAccepted: Promise<void>;
  readonly refused: Promise<string>;
  private resolveFirst!: () => void;
  private resolveRefused!: (reason: string) => void;
  private readonly counters: MinerStats = { hashes: 0, accepted: 0, rejected: 0, lastError: null };
  private readonly workers: HashWorkers;
  private session: StratumSession | null = null;
  private socket: LineSocket | null = null;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly address: StratumAddress,
    private readonly trust: TlsTrust,
    private readonly user: string,
    private readonly agent: string,
    threads: number,
    private readonly log: Logger,
  ) {
    this.firstAccepted = new Promise((resolve) => (this.resolveFirst = resolve));
    this.refused = new Promise((resolve) => (this.resolveRefused = resolve));
    this.workers = new HashWorkers(threads, {
      share: (key, nonce) => this.session?.submit(key, nonce),
      hashes: (count) => (this.counters.hashes += count),
    });
  }

  stats(): MinerStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.workers.stop();
  }

  async connect(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    const session = new StratumSession(this.user, this.agent, {
      send: (line) => this.socket?.send(line),
      work: (work) => this.workers.setWork(work),
      target: (key, target) => this.workers.setTarget(key, target),
      accepted: () => {
        this.counters.accepted++;
        this.resolveFirst();
      },
      rejected: (reason) => {
        this.counters.rejected++;
        this.problem(`share rejected: ${reason}`);
      },
      problem: (message) => this.problem(message),
      refused: (reason) => {
        this.counters.lastError = reason;
        void this.stop();
        this.resolveRefused(reason);
      },
    }, this.log);
    try {
      this.socket = await LineSocket.connect(this.address, {
        line: (text) => session.receive(text),
        closed: (reason) => this.disconnected(session, reason),
      }, this.trust);
    } catch (err) {
      this.problem(`cannot connect to ${this.address.host}:${this.address.port}: ${(err as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return this.socket.close();
    this.session = session;
    this.retryMs = RECONNECT_MIN_MS;
    this.log.info("connected", { pool: `${this.address.host}:${this.address.port}`, agent: this.agent });
    session.start();
  }

  private disconnected(session: StratumSession, reason: string): void {
    if (this.session !== session) return;
    this.session = null;
    this.socket = null;
    // Old work is void once the pool forgot this connection's jobs and extranonce.
    this.workers.idle();
    if (this.stopped) return;
    this.problem(`disconnected: ${reason}`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }

  private problem(message: string): void {
    this.counters.lastError = message;
    this.log.warn(message);
  }
}
