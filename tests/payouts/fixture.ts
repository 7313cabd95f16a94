// What every payer test stands on: a devnet over WebSocket, the pool's node client, a database, the treasury funded
// with coinbase outputs that mature on the devnet's clock, and a payer service the test starts with its own hooks.
// Each test then says only what its scenario is.

import { bytesToHex } from "../../src/common/hex.ts";
import { silentLogger } from "../../src/common/log.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { NodeClient, type NodeClientOptions } from "../../src/node/client.ts";
import { makeSigner, type PayoutSigner } from "../../src/payouts/planner.ts";
import { startPayerService, type PayerService, type PayerServiceOptions } from "../../src/payouts/service.ts";
import { createPgliteDatabase, type TestBackend } from "../db/backends.ts";
import { until } from "../node/scriptedNode.ts";
import { TREASURY, TREASURY_KEY } from "../treasury/fixtures.ts";

export interface PayerRigOptions<N extends NodeClient> {
  /** Coinbase maturity, the same on the devnet and in the payer's config. */
  maturity: number;
  /** Devnet chain blocks per second; 10 unless given. */
  bps?: number;
  /** In-memory PGlite unless given; the caller drops what it created. */
  backend?: TestBackend;
  feeBumpMinutes?: number;
  requestTimeoutMs?: number;
  /** A NodeClient subclass that misbehaves on purpose. */
  Node?: new (o: NodeClientOptions) => N;
}

/** A balance owed to a wallet's worker ("rig" unless named). */
export interface Credit {
  wallet: string;
  amount: bigint;
  minerId?: string;
}

export type PayerHooks = Pick<PayerServiceOptions, "onStep" | "onReconciled">;

export interface PayerRig<N extends NodeClient = NodeClient> {
  devnet: Devnet;
  node: N;
  db: Database;
  config: PayerServiceOptions["config"];
  signer: PayoutSigner;
  /** One ledger write for all of them. */
  credit(...credits: Credit[]): Promise<void>;
  /** Mines a coinbase output of each amount to the treasury; they mature later, see mature(). */
  fund(...amounts: bigint[]): void;
  /** Resolves once the last funding is `depth` DAA scores deep: coinbase maturity unless told. */
  mature(depth?: number): Promise<void>;
  /** What the devnet's chain holds for an address. */
  chainBalance(address: string): Promise<bigint>;
  /** Null when the payout lock was not taken. */
  startPayer(hooks?: PayerHooks): Promise<PayerService | null>;
  /** One payer cycle now. */
  cycle(): Promise<void>;
  /** Runs cycles until `done`; `retryFailed` for scenarios whose cycles fail on purpose. */
  cycleUntil(done: () => Promise<boolean>, what: string, o?: { timeoutMs?: number; retryFailed?: boolean }): Promise<void>;
  stopPayer(): Promise<void>;
  /** Stops the payer if it still runs, then closes the database, the client and the devnet. */
  stop(): Promise<void>;
}

export async function startPayerRig<N extends NodeClient = NodeClient>(o: PayerRigOptions<N>): Promise<PayerRig<N>> {
  const backend = o.backend ?? createPgliteDatabase();
  const devnet = await startDevnet({ port: 0, bps: o.bps ?? 10, maturity: o.maturity });
  const Node = o.Node ?? (NodeClient as new (o: NodeClientOptions) => N);
  const node = new Node({ urls: [devnet.url], requestTimeoutMs: o.requestTimeoutMs ?? 5_000, log: silentLogger });
  node.start();
  try {
    await node.waitConnected(5_000);
  } catch (err) {
    await node.close();
    await devnet.stop();
    throw err;
  }
  const db = await openDatabase(backend);
  const config = {
    treasury: { address: TREASURY, coinbaseMaturity: o.maturity, fee: 1 },
    payments: { intervalMinutes: 60, thresholdKas: 1, feeBumpMinutes: o.feeBumpMinutes ?? 10 },
    database: { url: backend.url, embeddedPath: backend.embeddedPath },
  };
  const signer = makeSigner(bytesToHex(TREASURY_KEY), config);
  let fundedAt = 0n;
  let service: PayerService | null = null;
  const running = () => {
    if (!service) throw new Error("the payer is not running");
    return service;
  };
  const stopPayer = async () => {
    await service?.stop();
    service = null;
  };

  return {
    devnet, node, db, config, signer,
    credit: (...credits) => applyLedger(db, credits.map((c) => ({
      wallet: c.wallet, minerId: c.minerId ?? "rig", amount: c.amount, reason: "adjustment", blockHash: null, paymentId: null, note: "test",
    }))),
    fund(...amounts) {
      for (const amount of amounts) devnet.fund(TREASURY, amount, { mature: false });
      fundedAt = devnet.virtualDaaScore();
    },
    mature: (depth = o.maturity) =>
      until(async () => devnet.virtualDaaScore() >= fundedAt + BigInt(depth), 20_000, "coinbase maturity"),
    chainBalance: async (address) => BigInt((await node.request("getBalanceByAddress", { address })).balance),
    async startPayer(hooks = {}) {
      service = await startPayerService({ db, node, config, signer, log: silentLogger, stopped: () => false, ...hooks });
      return service;
    },
    cycle: () => running().cycleNow(),
    cycleUntil: (done, what, c = {}) => until(async () => {
      const cycle = running().cycleNow();
      await (c.retryFailed ? cycle.catch(() => {}) : cycle);
      return done();
    }, c.timeoutMs ?? 20_000, what),
    stopPayer,
    async stop() {
      await stopPayer();
      await db.close();
      await node.close();
      await devnet.stop();
    },
  };
}
