// A TCP client for newline-delimited JSON: framing in, buffered writes out. Shared with the benchmark's load generator.

import type { Socket } from "bun";

export interface StratumAddress {
  host: string;
  port: number;
  /** stratum+ssl: TLS to the pool, its certificate verified unless TlsTrust says otherwise. */
  tls?: boolean;
}

/** How a stratum+ssl pool's certificate is trusted: the system's roots by default. */
export interface TlsTrust {
  /** PEM of the CA (or the self-signed certificate) to trust instead of the system's roots. */
  ca?: string;
  /** Accept any certificate: the connection is encrypted but anyone in the path can pose as the pool. */
  insecure?: boolean;
}

export function parseStratumUrl(url: string): StratumAddress {
  const m = /^(?:(stratum\+tcp|tcp|stratum\+ssl):\/\/)?\[?([^\]\s/]+?)\]?:(\d{1,5})\/?$/.exec(url.trim());
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) throw new TypeError(`invalid stratum url "${url}": expected stratum+tcp://HOST:PORT or stratum+ssl://HOST:PORT`);
  return { host: m[2]!, port, tls: m[1] === "stratum+ssl" };
}

export interface LineHandlers {
  line(text: string): void;
  /** Called once, whether the peer closed, the network failed or close() was called. */
  closed(reason: string): void;
}

// A pool line is a few hundred bytes; anything far longer is a broken peer, not a message.
const MAX_LINE = 1 << 20;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export class LineSocket {
  private inbox = "";
  private readonly decoder = new TextDecoder();
  private outbox: Buffer = Buffer.alloc(0);
  private done = false;

  private constructor(private readonly socket: Socket<LineSocket>, private readonly handlers: LineHandlers) {}

  /** For stratum+ssl, resolves only once the TLS handshake succeeded; bytes written before it would be lost. */
  static async connect(address: StratumAddress, handlers: LineHandlers, trust: TlsTrust = {}): Promise<LineSocket> {
    const handshake = Promise.withResolvers<void>();
    // Settled by the handshake or the close, whichever comes first; only awaited for TLS.
    handshake.promise.catch(() => {});
    const socket = await Bun.connect<LineSocket>({
      hostname: address.host,
      port: address.port,
      ...(address.tls && { tls: { ca: trust.ca, rejectUnauthorized: !trust.insecure } }),
      socket: {
        handshake: (_s, ok, err) => (ok ? handshake.resolve() : handshake.reject(new Error(`TLS handshake failed: ${err?.message ?? "refused"}`))),
        data: (s, chunk) => s.data?.onData(chunk),
        drain: (s) => s.data?.flush(),
        close: (s, err) => {
          handshake.reject(new Error("connection closed during the TLS handshake"));
          s.data?.finish(err ? err.message : "connection closed");
        },
        error: (s, err) => s.data?.finish(err.message),
        end: (s) => s.data?.finish("pool closed the connection"),
      },
    });
    if (address.tls) {
      const timer = setTimeout(() => handshake.reject(new Error("TLS handshake timed out")), HANDSHAKE_TIMEOUT_MS);
      try {
        await handshake.promise;
      } catch (err) {
        socket.terminate();
        throw err;
      } finally {
        clearTimeout(timer);
      }
    }
    const self = new LineSocket(socket, handlers);
    socket.data = self;
    return self;
  }

  send(line: string): void {
    if (this.done) return;
    const bytes = Buffer.from(line);
    this.outbox = this.outbox.length ? Buffer.concat([this.outbox, bytes]) : bytes;
    this.flush();
  }

  close(): void {
    this.socket.end();
    this.finish("closed");
  }

  private flush(): void {
    if (!this.outbox.length || this.done) return;
    const written = this.socket.write(this.outbox);
    this.outbox = this.outbox.subarray(Math.max(written, 0));
  }

  private onData(chunk: Uint8Array): void {
    this.inbox += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.inbox.indexOf("\n")) >= 0) {
      const line = this.inbox.slice(0, nl).trim();
      this.inbox = this.inbox.slice(nl + 1);
      if (line) this.handlers.line(line);
      if (this.done) return;
    }
    if (this.inbox.length > MAX_LINE) {
      this.socket.end();
      this.finish("pool sent an over-long line");
    }
  }

  private finish(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.handlers.closed(reason);
  }
}
