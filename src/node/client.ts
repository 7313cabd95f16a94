// Our wRPC JSON client for rusty-kaspa (node-rpc.md §1-§5): one WebSocket at a time, rotating through the
// configured urls with backoff when it drops, and re-sending subscriptions on every new socket before the
// pool is told it is connected.

import { createLogger, redactUrl, type Logger } from "../common/log.ts";
import { reconnectDelayMs } from "./backoff.ts";
import {
  decodeBlock, decodeBlockDagInfo, decodeBlockRewardInfo, decodeBlockTemplate, decodeFeeEstimate,
  decodeServerInfo, decodeSubmitBlock, decodeTransactionId, decodeTransactionReplacement, decodeUtxosByAddresses,
  decodeVirtualChain,
} from "./decode.ts";
import { NodeRpcError, NodeTimeoutError, NodeUnavailableError } from "./errors.ts";
import { decodeServerMessage, encodeRequest } from "./framing.ts";
import { deliver, Subscriptions, type SocketSubscriptions, type Unsubscribe } from "./subscriptions.ts";
import { withNonce } from "./template.ts";
import type {
  BlockDagInfo, BlockRewardInfo, BlockTemplate, FeeEstimate, ServerInfo, SubmitBlockResult, TransactionReplacement,
  UtxoEntryWithAddress, UtxosChange, VirtualChain,
} from "./types.ts";

export interface NodeClientOptions {
  urls: string[];
  requestTimeoutMs?: number;
  log?: Logger;
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /** Hears how long each request took, answered or not (metrics); must not throw. */
  onRequest?: (method: string, seconds: number, ok: boolean) => void;
}

type ClientEvent = "connected" | "disconnected";

/** How often a connected client pings the node; a ping that times out means the socket is dead even if TCP says not. */
const KEEPALIVE_MS = 15_000;
/** How long close() waits for the server's close frame before dropping the socket. */
const CLOSE_GRACE_MS = 1_000;

/** One WebSocket and what the server has confirmed on it. Replaced, never reused, on reconnect. */
interface Connection extends SocketSubscriptions {
  readonly url: string;
  readonly ws: WebSocket;
  open: boolean;
  dropped: boolean;
}

interface Pending {
  conn: Connection;
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class NodeClient {
  private readonly urls: string[];
  private readonly timeoutMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly log: Logger;
  private readonly onRequest: NodeClientOptions["onRequest"];

  private running = false;
  private closed = false;
  private conn: Connection | null = null;
  private ready = false;
  private failures = 0;
  private urlIndex = 0;
  private nextId = 1n;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private keepaliveTimer: ReturnType<typeof setInterval> | null = null;
  private readonly pending = new Map<bigint, Pending>();
  private readonly listeners: Record<ClientEvent, Set<(url: string) => void>> = { connected: new Set(), disconnected: new Set() };
  private readonly waiters = new Set<Waiter>();

  private readonly subscriptions: Subscriptions;

  constructor(opts: NodeClientOptions) {
    if (opts.urls.length === 0) throw new Error("NodeClient needs at least one node url");
    this.urls = [...opts.urls];
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.minDelayMs = opts.reconnect?.minDelayMs ?? 250;
    this.maxDelayMs = Math.max(this.minDelayMs, opts.reconnect?.maxDelayMs ?? 10_000);
    this.log = opts.log ?? createLogger("node");
    this.onRequest = opts.onRequest;
    this.subscriptions = new Subscriptions(this.log, () => {
      const conn = this.conn;
      if (!conn || !conn.open || conn.dropped) return null;
      return { socket: conn, call: (method, params) => this.call(conn, method, params) };
    });
  }

  get connected(): boolean {
    return this.ready;
  }

  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.connectNext();
  }

  async close(): Promise<void> {
    this.running = false;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    for (const w of this.waiters) this.settleWaiter(w, new NodeUnavailableError("node client closed"));
    const conn = this.conn;
    if (!conn) return;
    if (conn.ws.readyState === WebSocket.CLOSED) return this.dropConnection(conn, "node client closed");
    const gone = new Promise<void>((resolve) => conn.ws.addEventListener("close", () => resolve()));
    try {
      conn.ws.close(1000);
    } catch {
      conn.ws.terminate();
    }
    this.dropConnection(conn, "node client closed");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([gone, grace]);
    clearTimeout(timer);
    if ((conn.ws.readyState as number) !== WebSocket.CLOSED) conn.ws.terminate();
  }

  waitConnected(timeoutMs?: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.closed) return Promise.reject(new NodeUnavailableError("node client closed"));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(
          () => this.settleWaiter(waiter, new NodeUnavailableError(`no node connection within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }
      this.waiters.add(waiter);
    });
  }

  on(event: ClientEvent, fn: (url: string) => void): () => void {
    this.listeners[event].add(fn);
    return () => void this.listeners[event].delete(fn);
  }

  request<T = any>(method: string, params: object = {}): Promise<T> {
    if (!this.ready || !this.conn) return Promise.reject(new NodeUnavailableError("not connected to a node"));
    return this.call(this.conn, method, params) as Promise<T>;
  }

  // ---- typed methods (wire shapes in node-rpc.md §5) ----

  getServerInfo(): Promise<ServerInfo> {
    return this.typed("getServerInfo", {}, decodeServerInfo);
  }

  /** extraData goes on the wire as a JSON array of UTF-8 byte values (Vec<u8> in the node's request struct). */
  getBlockTemplate(payAddress: string, extraData = ""): Promise<{ block: BlockTemplate; isSynced: boolean }> {
    const bytes = Array.from(new TextEncoder().encode(extraData));
    return this.typed("getBlockTemplate", { payAddress, extraData: bytes }, decodeBlockTemplate);
  }

  submitBlock(template: BlockTemplate, nonce: bigint): Promise<SubmitBlockResult> {
    return this.typed("submitBlock", { block: withNonce(template, nonce), allowNonDAABlocks: false }, decodeSubmitBlock);
  }

  getBlockDagInfo(): Promise<BlockDagInfo> {
    return this.typed("getBlockDagInfo", {}, decodeBlockDagInfo);
  }

  getUtxosByAddresses(addresses: string[]): Promise<UtxoEntryWithAddress[]> {
    return this.typed("getUtxosByAddresses", { addresses }, decodeUtxosByAddresses);
  }

  /** Returns the transaction id the node computed. */
  submitTransaction(tx: object, allowOrphan = false): Promise<string> {
    return this.typed("submitTransaction", { transaction: tx, allowOrphan }, decodeTransactionId);
  }

  /** Replace-by-fee: the node accepts `tx` only if it double spends exactly one mempool transaction at a higher fee rate. */
  submitTransactionReplacement(tx: object): Promise<TransactionReplacement> {
    return this.typed("submitTransactionReplacement", { transaction: tx }, decodeTransactionReplacement);
  }

  /** The selected chain from `startHash` to the sink; minConfirmationCount drops the chain blocks with fewer
   * confirmations. */
  getVirtualChainFromBlock(startHash: string, includeAcceptedTransactionIds: boolean, minConfirmationCount?: bigint): Promise<VirtualChain> {
    const params = { startHash, includeAcceptedTransactionIds, minConfirmationCount: minConfirmationCount ?? null };
    return this.typed("getVirtualChainFromBlock", params, decodeVirtualChain);
  }

  /** The block object of the reply: header (with hash), transactions when asked for, verboseData. */
  getBlock(hash: string, includeTransactions: boolean): Promise<any> {
    return this.typed("getBlock", { hash, includeTransactions }, decodeBlock);
  }

  getBlockRewardInfo(hash: string): Promise<BlockRewardInfo> {
    return this.typed("getBlockRewardInfo", { hash }, decodeBlockRewardInfo);
  }

  getFeeEstimate(): Promise<FeeEstimate> {
    return this.typed("getFeeEstimate", {}, decodeFeeEstimate);
  }

  // ---- subscriptions ----

  onNewBlockTemplate(fn: () => void): Promise<Unsubscribe> {
    return this.subscriptions.onNewBlockTemplate(fn);
  }

  onVirtualDaaScoreChanged(fn: (daaScore: bigint) => void): Promise<Unsubscribe> {
    return this.subscriptions.onVirtualDaaScoreChanged(fn);
  }

  onUtxosChanged(addresses: string[], fn: (change: UtxosChange) => void): Promise<Unsubscribe> {
    return this.subscriptions.onUtxosChanged(addresses, fn);
  }

  // ---- connection lifecycle ----

  private connectNext(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    const url = this.urls[this.urlIndex % this.urls.length]!;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      this.log.error("cannot open node socket", { url, error: (err as Error).message });
      this.scheduleReconnect();
      return;
    }
    const conn: Connection = { url, ws, open: false, dropped: false, scopes: new Set(), utxoAddresses: new Set() };
    this.conn = conn;
    const connectTimer = setTimeout(() => {
      if (conn.open || conn.dropped) return;
      ws.terminate();
      this.dropConnection(conn, `no connection within ${this.timeoutMs} ms`);
    }, this.timeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(connectTimer);
      if (conn.dropped) return;
      conn.open = true;
      void this.onOpen(conn);
    });
    ws.addEventListener("message", (ev) => this.onMessage(conn, ev.data));
    ws.addEventListener("close", (ev) => {
      clearTimeout(connectTimer);
      this.dropConnection(conn, conn.open ? `socket closed (code ${ev.code})` : "connection failed");
    });
  }

  private async onOpen(conn: Connection): Promise<void> {
    this.log.debug("socket open, restoring subscriptions", { url: redactUrl(conn.url) });
    for (const [scope, err] of await this.subscriptions.sync()) {
      this.log.error("node refused subscription", { url: redactUrl(conn.url), scope, error: err.message });
    }
    if (conn.dropped || this.conn !== conn) return;
    this.ready = true;
    this.failures = 0;
    this.startKeepalive(conn);
    this.log.info("connected to node", { url: redactUrl(conn.url) });
    for (const w of this.waiters) this.settleWaiter(w, null);
    this.emit("connected", conn.url);
  }

  /** The one place a socket ends: rejects its requests, reports the loss and schedules the next attempt. */
  private dropConnection(conn: Connection, reason: string): void {
    if (conn.dropped) return;
    conn.dropped = true;
    conn.open = false;
    const wasCurrent = this.conn === conn;
    if (wasCurrent) this.conn = null;
    const lost = new NodeUnavailableError(`${reason}: ${redactUrl(conn.url)}`);
    for (const [id, p] of this.pending) {
      if (p.conn !== conn) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(lost);
    }
    if (!wasCurrent) return;
    this.stopKeepalive();
    const wasReady = this.ready;
    this.ready = false;
    if (wasReady) {
      // close() ending the connection is the operator's own doing, not a loss worth a warning.
      if (this.closed) this.log.debug("node connection closed", { url: redactUrl(conn.url) });
      else this.log.warn("node connection lost", { url: redactUrl(conn.url), reason });
      this.emit("disconnected", conn.url);
    } else if (this.running) {
      this.log.warn("node connection failed", { url: redactUrl(conn.url), reason });
    }
    if (this.running) {
      this.urlIndex++;
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelayMs(this.failures, this.minDelayMs, this.maxDelayMs);
    this.failures++;
    this.log.debug("reconnecting", { inMs: delay, url: redactUrl(this.urls[this.urlIndex % this.urls.length]!) });
    this.reconnectTimer = setTimeout(() => this.connectNext(), delay);
  }

  private startKeepalive(conn: Connection): void {
    this.stopKeepalive();
    this.keepaliveTimer = setInterval(() => {
      this.call(conn, "ping", {}).catch((err) => {
        if (!(err instanceof NodeTimeoutError) || conn.dropped) return;
        conn.ws.terminate();
        this.dropConnection(conn, "node stopped answering pings");
      });
    }, KEEPALIVE_MS);
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  // ---- requests and incoming messages ----

  private call(conn: Connection, method: string, params: object): Promise<unknown> {
    const reply = this.send(conn, method, params);
    const observe = this.onRequest;
    if (observe) {
      const started = performance.now();
      reply.then(() => observe(method, (performance.now() - started) / 1000, true), () => observe(method, (performance.now() - started) / 1000, false));
    }
    return reply;
  }

  private send(conn: Connection, method: string, params: object): Promise<unknown> {
    if (!conn.open || conn.dropped) return Promise.reject(new NodeUnavailableError(`not connected to a node`));
    const id = this.nextId++;
    let text: string;
    try {
      text = encodeRequest(id, method, params);
    } catch (err) {
      return Promise.reject(new TypeError(`cannot encode ${method} params: ${(err as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new NodeTimeoutError(`${method} got no reply within ${this.timeoutMs} ms from ${redactUrl(conn.url)}`));
      }, this.timeoutMs);
      this.pending.set(id, { conn, method, resolve, reject, timer });
      try {
        conn.ws.send(text);
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new NodeUnavailableError(`cannot send ${method}: ${(err as Error).message}`));
      }
    });
  }

  private async typed<T>(method: string, params: object, decode: (params: unknown) => T): Promise<T> {
    const reply = await this.request(method, params);
    try {
      return decode(reply);
    } catch (err) {
      throw new NodeRpcError(method, `malformed ${method} reply: ${(err as Error).message}`);
    }
  }

  private onMessage(conn: Connection, data: unknown): void {
    if (conn.dropped) return;
    const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
    const msg = decodeServerMessage(text);
    switch (msg.kind) {
      case "malformed":
        this.log.warn("ignored malformed message from node", { url: redactUrl(conn.url), reason: msg.reason });
        return;
      case "notification":
        this.subscriptions.dispatch(msg.method, msg.params);
        return;
      case "result":
      case "error": {
        const p = msg.id === null ? undefined : this.pending.get(msg.id);
        if (!p || p.conn !== conn) {
          this.log.debug("reply to no pending request", { id: String(msg.id), method: msg.method });
          if (msg.kind === "error") this.log.warn("node error outside a request", { message: msg.message });
          return;
        }
        this.pending.delete(msg.id!);
        clearTimeout(p.timer);
        if (msg.kind === "error") p.reject(new NodeRpcError(p.method, msg.message));
        else p.resolve(msg.params);
      }
    }
  }

  private emit(event: ClientEvent, url: string): void {
    for (const fn of this.listeners[event]) deliver(this.log, event, () => fn(url));
  }

  private settleWaiter(w: Waiter, err: Error | null): void {
    if (!this.waiters.delete(w)) return;
    if (w.timer) clearTimeout(w.timer);
    if (err) w.reject(err);
    else w.resolve();
  }
}
