// One TCP listener (Bun.listen) per configured port, for the pool's miners and for proxy mode's alike: TLS when
// the port has a certificate, the PROXY header on ports behind a balancer, admission (admission.ts), buffered
// writes (socketOutput.ts), and the hand-off of bytes to the connection the caller's factory makes.

import type { Socket, TCPSocketListener } from "bun";
import type { Logger } from "../common/log.ts";
import type { Config, StratumPortConfig } from "../config/types.ts";
import type { IpAdmission } from "./admission.ts";
import { ProxyHeaderReader } from "./proxyProtocol.ts";
import { SocketOutput } from "./socketOutput.ts";

/** What the listener needs of a connection: LineConnection's side facing the socket. */
export interface SocketConnection {
  onData(chunk: Uint8Array): void;
  /** The socket closed: free what the connection holds. */
  release(): void;
}

interface SocketState<C extends SocketConnection> {
  /** The miner's address: the socket's own, or the one a PROXY header names. */
  ip: string;
  /** Null until admitted; on a proxyProtocol port, admission waits for the header. */
  conn: C | null;
  header: { reader: ProxyHeaderReader; timeout: ReturnType<typeof setTimeout> } | null;
  /** Null until admitted, with the connection. */
  output: SocketOutput | null;
}

export interface ListenOptions<C extends SocketConnection> {
  host: string;
  port: StratumPortConfig;
  stratum: Config["stratum"];
  log: Logger;
  admission: Pick<IpAdmission, "admit" | "leave">;
  /** The connection of an admitted miner at `ip`, writing to `output`. */
  open(output: SocketOutput, ip: string): C;
  /** After the connection's release; `byUs` when our side closed it. */
  closed(conn: C, byUs: boolean): void;
}

/** The bound port as the startup line names it, with what it expects of miners. */
export function describePort(bound: number, port: StratumPortConfig): string {
  return `${bound}${port.tls ? " (tls)" : ""}${port.proxyProtocol ? " (proxy protocol)" : ""}`;
}

export function listen<C extends SocketConnection>(opts: ListenOptions<C>): TCPSocketListener<SocketState<C> | undefined> {
  const { host, stratum, log, admission } = opts;
  const { port, tls, proxyProtocol } = opts.port;
  type State = SocketState<C>;

  /** Admits the miner at `ip` and gives the socket its connection; false when refused and closed. */
  function start(socket: Socket<State | undefined>, state: State, ip: string): boolean {
    if (!admission.admit(ip)) {
      socket.data = undefined;
      socket.end();
      return false;
    }
    state.ip = ip;
    state.output = new SocketOutput(socket, stratum.closeGraceSeconds);
    state.conn = opts.open(state.output, ip);
    return true;
  }

  /** Bytes before the PROXY header is complete; a connection without a valid one is never admitted. */
  function readHeader(socket: Socket<State | undefined>, state: State, chunk: Uint8Array): void {
    const header = state.header!;
    const verdict = header.reader.push(chunk);
    if (verdict.status === "incomplete") return;
    clearTimeout(header.timeout);
    state.header = null;
    if (verdict.status === "invalid") {
      // Only the balancer should reach this port, so a bad header is a misconfiguration worth seeing.
      log.warn("refused connection without a valid PROXY header", { remote: state.ip, port, reason: verdict.reason });
      socket.data = undefined;
      return void socket.end();
    }
    if (start(socket, state, verdict.source ?? state.ip) && verdict.rest.length > 0) state.conn!.onData(verdict.rest);
  }

  return Bun.listen<State | undefined>({
    hostname: host,
    port,
    ...(tls && { tls: { cert: Bun.file(tls.cert), key: Bun.file(tls.key) } }),
    socket: {
      open(socket) {
        const ip = socket.remoteAddress;
        const state: State = { ip, conn: null, header: null, output: null };
        socket.data = state;
        if (!proxyProtocol) return void start(socket, state, ip);
        const timeout = setTimeout(() => {
          log.warn("refused connection without a valid PROXY header", { remote: ip, port, reason: "no header in time" });
          socket.data = undefined;
          socket.terminate();
        }, stratum.handshakeTimeoutSeconds * 1000);
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
        admission.leave(state.ip);
        opts.closed(state.conn, state.output!.closing);
      },
      error(socket, err) {
        log.debug("socket error", { remote: socket.data?.ip ?? "", error: err.message });
      },
    },
  });
}
