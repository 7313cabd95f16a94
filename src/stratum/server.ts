// One TCP listener (Bun.listen) per configured port, with TLS when the port has a certificate: the PROXY header on
// ports behind a balancer, admission (bans, connections per IP), buffered writes that respect backpressure, and
// the hand-off of bytes to a StratumConnection.
//
// Writes are coalesced: the lines a connection produces while one event (a read, a timer, a job broadcast) is
// handled go out as one socket write when its microtasks have run. One send per reply cost ~46% of the server's
// CPU under load; replies to the submits of one read now share a send.

import type { Socket, TCPSocketListener } from "bun";
import { StratumConnection, type ConnectionContext, type Transport } from "./connection.ts";
import { ProxyHeaderReader } from "./proxyProtocol.ts";

/** Decides whether a new connection from an IP may stay, and hears when it leaves. */
export interface Admission {
  admit(ip: string): boolean;
  leave(ip: string): void;
}

interface SocketState {
  /** The miner's address: the socket's own, or the one a PROXY header names. */
  ip: string;
  /** Null until admitted; on a proxyProtocol port, admission waits for the header. */
  conn: StratumConnection | null;
  header: { reader: ProxyHeaderReader; timeout: ReturnType<typeof setTimeout> } | null;
  socket: Socket<SocketState | undefined>;
  /** Lines written since the last flush. */
  pending: string;
  /** Bytes the kernel did not take yet; sent on drain, before anything newer. */
  outbox: Buffer;
  closing: boolean;
  /** Set while a closed connection waits for its last bytes to drain. */
  grace: ReturnType<typeof setTimeout> | null;
}

/** A miner that stops reading while we keep writing jobs is cut off rather than buffered without end. */
const MAX_OUTBOX_BYTES = 1 << 20;

export interface ListenOptions {
  host: string;
  ctx: ConnectionContext;
  admission: Admission;
  connections: Set<StratumConnection>;
}

export function listen({ host, ctx, admission, connections }: ListenOptions): TCPSocketListener<SocketState | undefined> {
  const { port, tls, proxyProtocol } = ctx.port;

  /** Admits the miner at `ip` and gives the socket its connection; false when refused and closed. */
  function start(socket: Socket<SocketState | undefined>, state: SocketState, ip: string): boolean {
    if (!admission.admit(ip)) {
      socket.data = undefined;
      socket.end();
      return false;
    }
    state.ip = ip;
    const transport: Transport = {
      write: (text) => queue(state, text),
      close: () => {
        flush(state);
        state.closing = true;
        // Bun's end() closes at once, leaving what the kernel holds to the kernel; only our outbox waits
        // for drain, and a peer that never reads never drains: it gets the grace period, then is cut off.
        if (state.outbox.length === 0) return socket.end();
        state.grace = setTimeout(() => socket.terminate(), ctx.config.stratum.closeGraceSeconds * 1000);
      },
    };
    state.conn = new StratumConnection(ctx, transport, ip, Date.now());
    connections.add(state.conn);
    ctx.observer.connected(ctx.portLabel);
    return true;
  }

  /** Bytes before the PROXY header is complete; a connection without a valid one is never admitted. */
  function readHeader(socket: Socket<SocketState | undefined>, state: SocketState, chunk: Uint8Array): void {
    const header = state.header!;
    const verdict = header.reader.push(chunk);
    if (verdict.status === "incomplete") return;
    clearTimeout(header.timeout);
    state.header = null;
    if (verdict.status === "invalid") {
      // Only the balancer should reach this port, so a bad header is a misconfiguration worth seeing.
      ctx.log.warn("refused connection without a valid PROXY header", { remote: state.ip, port, reason: verdict.reason });
      socket.data = undefined;
      return void socket.end();
    }
    if (start(socket, state, verdict.source ?? state.ip) && verdict.rest.length > 0) state.conn!.onData(verdict.rest);
  }

  return Bun.listen<SocketState | undefined>({
    hostname: host,
    port,
    ...(tls && { tls: { cert: Bun.file(tls.cert), key: Bun.file(tls.key) } }),
    socket: {
      open(socket) {
        const ip = socket.remoteAddress;
        const state: SocketState = { ip, conn: null, header: null, socket, pending: "", outbox: EMPTY, closing: false, grace: null };
        socket.data = state;
        if (!proxyProtocol) return void start(socket, state, ip);
        const timeout = setTimeout(() => {
          ctx.log.warn("refused connection without a valid PROXY header", { remote: ip, port, reason: "no header in time" });
          socket.data = undefined;
          socket.terminate();
        }, ctx.config.stratum.handshakeTimeoutSeconds * 1000);
        state.header = { reader: new ProxyHeaderReader(), timeout };
      },
      data(socket, chunk) {
        const state = socket.data;
        if (state?.header) readHeader(socket, state, chunk);
        else state?.conn?.onData(chunk);
      },
      drain(socket) {
        const state = socket.data;
        if (!state) return;
        send(state, "");
        if (state.closing && state.outbox.length === 0) socket.end();
      },
      close(socket) {
        const state = socket.data;
        if (!state) return;
        socket.data = undefined;
        if (state.header) return clearTimeout(state.header.timeout);
        if (state.grace) clearTimeout(state.grace);
        if (!state.conn) return;
        state.conn.release();
        connections.delete(state.conn);
        admission.leave(state.ip);
        ctx.observer.disconnected(ctx.portLabel, state.closing ? "pool" : "miner");
      },
      error(socket, err) {
        ctx.log.debug("socket error", { remote: socket.data?.ip ?? "", error: err.message });
      },
    },
  });
}

const EMPTY = Buffer.alloc(0);
const dirty: SocketState[] = [];
let flushQueued = false;

function queue(state: SocketState, text: string): void {
  if (state.pending === "") {
    dirty.push(state);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushDirty);
    }
  }
  state.pending += text;
}

function flushDirty(): void {
  flushQueued = false;
  for (let i = 0; i < dirty.length; i++) flush(dirty[i]!);
  dirty.length = 0;
}

function flush(state: SocketState): void {
  if (state.pending === "") return;
  // Closed since the lines were queued: nothing to deliver them to.
  if (state.socket.data !== state) return void (state.pending = "");
  const text = state.pending;
  state.pending = "";
  send(state, text);
}

function send(state: SocketState, text: string): void {
  const { socket } = state;
  if (state.outbox.length === 0) {
    if (text === "") return;
    const written = socket.write(text);
    const size = Buffer.byteLength(text);
    if (written >= size) return;
    state.outbox = Buffer.from(text).subarray(Math.max(written, 0));
  } else {
    state.outbox = text === "" ? state.outbox : Buffer.concat([state.outbox, Buffer.from(text)]);
    const written = socket.write(state.outbox);
    state.outbox = state.outbox.subarray(Math.max(written, 0));
  }
  if (state.outbox.length > MAX_OUTBOX_BYTES) {
    state.outbox = EMPTY;
    socket.terminate();
  }
}
