// The proxy's stratum ports: one Bun.listen per configured port, a MinerConnection per socket, writes that
// wait for drain instead of growing without end. (The pool's listener in src/stratum/server.ts is built
// around its own connection class; this one is small because a farm behind a proxy is tens of rigs.)

import type { Socket, TCPSocketListener } from "bun";
import type { StratumPortConfig } from "../config/types.ts";
import { MinerConnection, type ProxyHub } from "./downstream.ts";

interface State {
  conn: MinerConnection;
  decoder: TextDecoder;
  outbox: Buffer;
}

const MAX_OUTBOX_BYTES = 1 << 20;

export interface ListenHooks {
  joined(conn: MinerConnection): void;
  left(conn: MinerConnection): void;
}

export function listenPort(host: string, port: StratumPortConfig, hub: ProxyHub, hooks: ListenHooks): TCPSocketListener<State> {
  return Bun.listen<State>({
    hostname: host,
    port: port.port,
    socket: {
      open(socket) {
        const state = { outbox: Buffer.alloc(0), decoder: new TextDecoder() } as State;
        state.conn = new MinerConnection(hub, port, { write: (text) => send(socket, state, text), close: () => socket.end() }, socket.remoteAddress, Date.now());
        socket.data = state;
        hooks.joined(state.conn);
      },
      data(socket, chunk) {
        socket.data.conn.onData(socket.data.decoder.decode(chunk, { stream: true }));
      },
      drain(socket) {
        send(socket, socket.data, "");
      },
      close(socket) {
        socket.data.conn.release();
        hooks.left(socket.data.conn);
      },
      error(socket, err) {
        hub.log.debug("miner socket error", { remote: socket.data?.conn.remote ?? "", error: err.message });
      },
    },
  });
}

function send(socket: Socket<State>, state: State, text: string): void {
  if (text) state.outbox = state.outbox.length ? Buffer.concat([state.outbox, Buffer.from(text)]) : Buffer.from(text);
  if (state.outbox.length === 0) return;
  const written = socket.write(state.outbox);
  state.outbox = state.outbox.subarray(Math.max(written, 0));
  if (state.outbox.length > MAX_OUTBOX_BYTES) socket.terminate();
}
