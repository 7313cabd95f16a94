// A TCP client for newline-delimited JSON: framing in, buffered writes out. Shared with the benchmark's load generator.

import type { Socket } from "bun";

export interface StratumAddress {
  host: string;
  port: number;
}

export function parseStratumUrl(url: string): StratumAddress {
  const m = /^(?:stratum\+tcp:\/\/|tcp:\/\/)?\[?([^\]\s/]+?)\]?:(\d{1,5})\/?$/.exec(url.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new TypeError(`invalid stratum url "${url}": expected stratum+tcp://HOST:PORT`);
  return { host: m[1]!, port };
}

export interface LineHandlers {
  line(text: string): void;
  /** Called once, whether the peer closed, the network failed or close() was called. */
  closed(reason: string): void;
}

// A pool line is a few hundred bytes; anything far longer is a broken peer, not a message.
const MAX_LINE = 1 << 20;

export class LineSocket {
  private inbox = "";
  private readonly decoder = new TextDecoder();
  private outbox: Buffer = Buffer.alloc(0);
  private done = false;

  private constructor(private readonly socket: Socket<LineSocket>, private readonly handlers: LineHandlers) {}

  /** `tls` wraps the connection in TLS with the system's trusted CAs (a proxy's stratum+tcp upstream with tls: true). */
  static async connect(address: StratumAddress, handlers: LineHandlers, opts: { tls?: boolean } = {}): Promise<LineSocket> {
    const socket = await Bun.connect<LineSocket>({
      hostname: address.host,
      port: address.port,
      tls: opts.tls || undefined,
      socket: {
        data: (s, chunk) => s.data?.onData(chunk),
        drain: (s) => s.data?.flush(),
        close: (s, err) => s.data?.finish(err ? err.message : "connection closed"),
        error: (s, err) => s.data?.finish(err.message),
        end: (s) => s.data?.finish("pool closed the connection"),
      },
    });
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
