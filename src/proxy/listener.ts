// The proxy's stratum ports: one Bun.listen per configured port, a MinerConnection per socket, writes buffered
// as the pool's are (src/stratum/socketOutput.ts). No TLS, PROXY header or admission here: a farm behind a proxy
// is tens of its own rigs.

import type { TCPSocketListener } from "bun";
import { SocketOutput } from "../stratum/socketOutput.ts";
import { MinerConnection, type ProxyHub } from "./downstream.ts";

interface State {
  conn: MinerConnection;
  output: SocketOutput;
}

export interface ListenHooks {
  joined(conn: MinerConnection): void;
  left(conn: MinerConnection): void;
}

export function listenPort(host: string, hub: ProxyHub, hooks: ListenHooks): TCPSocketListener<State | undefined> {
  return Bun.listen<State | undefined>({
    hostname: host,
    port: hub.port.port,
    socket: {
      open(socket) {
        const output = new SocketOutput(socket, hub.config.stratum.closeGraceSeconds);
        const conn = new MinerConnection(hub, output, socket.remoteAddress, Date.now());
        socket.data = { conn, output };
        hooks.joined(conn);
      },
      data(socket, chunk) {
        socket.data?.conn.onData(chunk);
      },
      drain(socket) {
        socket.data?.output.drain();
      },
      close(socket) {
        const state = socket.data;
        if (!state) return;
        socket.data = undefined;
        state.output.closed();
        state.conn.release();
        hooks.left(state.conn);
      },
      error(socket, err) {
        hub.log.debug("miner socket error", { remote: socket.data?.conn.remoteAddress ?? "", error: err.message });
      },
    },
  });
}
