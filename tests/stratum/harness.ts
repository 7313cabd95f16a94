// Real parts for stratum integration tests: the devnet node over WebSocket, our NodeClient, the stratum server on
// ephemeral ports, and a line-level TCP test client that can also mine a share with PowState.

import { afterAll, beforeAll } from "bun:test";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { silentLogger, type Logger } from "../../src/common/log.ts";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema, type ConfigInput } from "../../src/config/schema.ts";
import type { Config } from "../../src/config/types.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { PowState } from "../../src/kaspa/pow/index.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { decodeJobParams } from "../../src/miner/jobParams.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { MemoryShareSink } from "../../src/shares/memory.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";

/** A logger that keeps info and warn lines, for tests of what a service logs. */
export function capturingLogger(): { log: Logger; logged: Array<{ msg: string; fields?: Record<string, unknown> }> } {
  const logged: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = {
    ...silentLogger,
    info: (msg, fields) => void logged.push({ msg, fields }),
    warn: (msg, fields) => void logged.push({ msg, fields }),
    child: () => log,
  };
  return { log, logged };
}

export const POOL_ADDRESS = DEVNET_POOL_ADDRESS;
/** Distinct, valid devnet addresses for solo miners. */
export const minerAddress = (n: number) => encodeAddress("kaspadev", 0, new Uint8Array(32).fill(n));

type StratumInput = Partial<NonNullable<ConfigInput["stratum"]>>;

export function testConfig(nodeUrl: string, stratum: StratumInput): Config {
  return configSchema.parse({
    ...defaults,
    node: { urls: [nodeUrl], requestTimeoutMs: 5_000 },
    stratum: { ...defaults.stratum, host: "127.0.0.1", ...stratum },
  });
}

export interface Pool {
  devnet: Devnet;
  node: NodeClient;
  sink: MemoryShareSink;
  stratum: Stratum;
  config: Config;
  stop(): Promise<void>;
}

export async function startPool(opts: { devnetDifficulty: number; bps?: number; stratum: StratumInput }): Promise<Pool> {
  const devnet = await startDevnet({ port: 0, difficulty: opts.devnetDifficulty, bps: opts.bps ?? 2 });
  const node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected(5_000);
  const config = testConfig(devnet.url, opts.stratum);
  const sink = new MemoryShareSink();
  const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  const stratum = await startStratum({ config, node, submitter, sink, log: silentLogger });
  return {
    devnet, node, sink, stratum, config,
    async stop() {
      await stratum.stop();
      await submitter.close();
      await node.close();
      await devnet.stop();
    },
  };
}

/** The fixed-difficulty port most wire tests mine on: a share takes a few hundred hashes. */
export const FIXED_PORT: NonNullable<StratumInput["ports"]>[number] = { port: 0, mode: "pplns", difficulty: 2 ** -29, vardiff: false, encoding: "auto" };

/**
 * One pool for the tests of the current file or describe block, started before the first and stopped after the
 * last: FIXED_PORT (unless `stratum.ports` says otherwise) on a devnet too hard to move on its own.
 */
export function sharedPool(stratum: StratumInput): { readonly pool: Pool; readonly port: number } {
  let pool: Pool | undefined;
  beforeAll(async () => {
    pool = await startPool({ devnetDifficulty: 1e6, stratum: { ports: [FIXED_PORT], ...stratum } });
  });
  afterAll(async () => {
    await pool?.stop();
  });
  return {
    get pool() {
      return pool!;
    },
    get port() {
      return pool!.stratum.ports[0]!;
    },
  };
}

/** A miner's side of the wire, line by line, for asserting exact bytes. */
export class TestClient {
  private buffer = "";
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  private nextId = 1;
  closed = false;

  private constructor(private readonly socket: Awaited<ReturnType<typeof Bun.connect>>) {}

  static async connect(port: number): Promise<TestClient> {
    let client!: TestClient;
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_s, chunk) => client.onData(chunk),
        close: () => client.onClose(),
        error: () => client.onClose(),
      },
    });
    client = new TestClient(socket);
    return client;
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString("utf8");
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      this.lines.push(this.buffer.slice(0, nl + 1));
      this.buffer = this.buffer.slice(nl + 1);
    }
    this.wake();
  }

  private onClose(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  write(raw: string | Uint8Array): void {
    this.socket.write(raw);
  }

  /** Sends a request and returns its id. */
  send(method: string, params: unknown[], id: unknown = this.nextId++): unknown {
    this.write(stringifyJson({ id, method, params }) + "\n");
    return id;
  }

  /** The next raw line, newline included. */
  async line(timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no line in time");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    return this.lines.shift()!;
  }

  async message(timeoutMs?: number): Promise<Record<string, any>> {
    return parseJson(await this.line(timeoutMs)) as Record<string, any>;
  }

  /** Skips notifications until the reply with this id. */
  async reply(id: unknown, timeoutMs?: number): Promise<Record<string, any>> {
    for (;;) {
      const m = await this.message(timeoutMs);
      if (m.id === id && ("result" in m || "error" in m) && !("method" in m)) return m;
    }
  }

  /** Waits until the server closes the connection. */
  async closedByServer(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
      this.lines.length = 0;
    }
    return this.closed;
  }

  close(): void {
    this.socket.end();
  }
}

export interface MinedJob {
  jobId: string | number;
  pow: PowState;
}

export function jobFromNotify(msg: Record<string, any>, encoding: "bigheader" | "words"): MinedJob {
  const job = decodeJobParams(msg.params, encoding);
  return { jobId: job.jobId, pow: new PowState(job.prePowHash, job.timestamp) };
}

/** A nonce (with this extranonce in front) whose pow meets `accept`, searching from `from`. */
export function mine(job: MinedJob, difficulty: number, extranonce = "", from = 0n, accept?: (pow: bigint) => boolean): bigint {
  const target = difficultyToTarget(difficulty);
  const test = accept ?? ((p: bigint) => p < target);
  const prefix = extranonce ? BigInt("0x" + extranonce) << BigInt(64 - 4 * extranonce.length) : 0n;
  for (let n = from; n < from + 1_000_000n; n++) if (test(job.pow.pow(prefix | n))) return prefix | n;
  throw new Error("no nonce found");
}

export const nonceHex = (n: bigint) => n.toString(16).padStart(16, "0");
