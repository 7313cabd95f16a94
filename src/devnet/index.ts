// In-process entry point: a devnet node on a WebSocket port, with the tick timer that moves the network.
// Tests, benchmarks and the demo start it with startDevnet(); main.ts is the CLI around the same call.

import { silentLogger, type Logger } from "../common/log.ts";
import type { BlockColor } from "./chain.ts";
import { dispatch } from "./methods.ts";
import { DEFAULT_DIFFICULTY, DEFAULT_PORT, MIN_FEERATE } from "./network.ts";
import { DevnetNode } from "./node.ts";
import { startRpcServer } from "./server.ts";

export interface DevnetOptions {
  /** 0 = ephemeral. Default 18610, the devnet wRPC JSON port. */
  port?: number;
  host?: string;
  /** Chain blocks other miners add per second. Default 10. */
  bps?: number;
  /** Network difficulty in stratum share units (1 ⇔ target 2^224). */
  difficulty?: number;
  /** Share of accepted blocks that turn out red. Default 0. */
  redRatio?: number;
  /** Coinbase maturity in DAA score. Default 1000. */
  maturity?: number;
  seed?: number;
  log?: Logger;
}

export interface Devnet {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  virtualDaaScore(): bigint;
  fund(address: string, amount: bigint, opts?: { mature?: boolean }): { transactionId: string; index: number };
  acceptedBlocks(): ReadonlyArray<{ hash: string; payAddress: string; color: BlockColor; reward: bigint; daaScore: bigint }>;
  /** Restarts the node as a crash would: every socket drops, the mempool (and its memory of accepted ids) is lost,
   * and after `downMs` (default 0) it listens again on the same port. Chain and UTXO set survive, as on disk;
   * the network keeps moving meanwhile. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** How many transactions wait in the mempool. */
  mempoolSize(): number;
  /** Congests the network: fee estimates say `feerate` sompi/gram, and cheaper transactions wait in the mempool. */
  setMarketFeerate(feerate: number): void;
}

export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const bps = opts.bps ?? 10;
  const difficulty = opts.difficulty ?? DEFAULT_DIFFICULTY;
  const redRatio = opts.redRatio ?? 0;
  const maturity = opts.maturity ?? 1000;
  if (!(bps > 0 && bps <= 1000)) throw new RangeError("bps must be in (0, 1000]");
  if (!(difficulty > 0 && Number.isFinite(difficulty))) throw new RangeError("difficulty must be a positive number");
  if (!(redRatio >= 0 && redRatio <= 1)) throw new RangeError("redRatio must be in [0, 1]");
  if (!(Number.isInteger(maturity) && maturity >= 0)) throw new RangeError("maturity must be a non-negative integer");
  const log = opts.log ?? silentLogger;

  const node = new DevnetNode({ difficulty, redRatio, maturity: BigInt(maturity), seed: opts.seed ?? 1, log });
  const listen = (port: number) => startRpcServer({
    host: opts.host ?? "127.0.0.1",
    port,
    log,
    handler: {
      handle: (conn, method, params) => dispatch(node, conn, method, params),
      closed: (conn) => node.subs.remove(conn),
    },
  });
  let server = listen(opts.port ?? DEFAULT_PORT);
  const timer = setInterval(() => node.tick(), 1000 / bps);

  return {
    url: server.url,
    port: server.port,
    async stop() {
      clearInterval(timer);
      await server.stop();
    },
    virtualDaaScore: () => node.chain.daaScore,
    fund: (address, amount, o) => node.fund(address, amount, o?.mature ?? true),
    mempoolSize: () => node.mempool.size(),
    setMarketFeerate: (feerate) => void (node.marketFeerate = Math.max(feerate, MIN_FEERATE)),
    async restart(o) {
      await server.stop();
      node.mempool.clear();
      await Bun.sleep(o?.downMs ?? 0);
      server = listen(server.port);
    },
    acceptedBlocks: () =>
      node.chain.all().map(({ hash, payAddress, color, reward, daaScore }) => ({ hash, payAddress, color, reward, daaScore })),
  };
}
