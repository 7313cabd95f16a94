// One TCP listener (Bun.listen) per configured port, with TLS when the port has a certificate: the PROXY header on
// ports behind a balancer, admission (bans, connections per IP), buffered writes (socketOutput.ts), and the
// hand-off of bytes to a StratumConnection.

import type { Socket, TCPSocketListener } from "bun";
import { StratumConnection, type ConnectionContext } from "./connection.ts";
import { ProxyHeaderReader } from "./proxyProtocol.ts";
import { SocketOutput } from "./socketOutput.ts";

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
  /** Null until admitted, with the connection. */
  output: SocketOutput | null;
}

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
    state.output = new SocketOutput(socket, ctx.config.stratum.closeGraceSeconds);
    state.conn = new StratumConnection(ctx, state.output, ip, Date.now());
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
        const state: SocketState = { ip, conn: null, header: null, output: null };
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
        socket.data?.output?.drain();
      },
      close(socket) {
        const state = socket.data;
        if (!state) return;
        socket.data = undefined;
        if (state.header) return clearTimeout(state.header.timeout);
        state.output?.closed();
        if (!state.conn) return;
        state.conn.release();
        connections.delete(state.conn);
        admission.leave(state.ip);
        ctx.observer.disconnected(ctx.portLabel, state.output!.closing ? "pool" : "miner");
      },
      error(socket, err) {
        ctx.log.debug("socket error", { remote: socket.data?.ip ?? "", error: err.message });
      },
    },
  });
}
