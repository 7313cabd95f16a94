// One TCP listener (Bun.listen) per configured port: admission (bans, connections per IP), buffered writes that
// respect backpressure, and the hand-off of bytes to a StratumConnection.

import type { Socket, TCPSocketListener } from "bun";
import { StratumConnection, type ConnectionContext, type Transport } from "./connection.ts";

/** Decides whether a new connection from an IP may stay, and hears when it leaves. */
export interface Admission {
  admit(ip: string): boolean;
  leave(ip: string): void;
}

interface SocketState {
  ip: string;
  conn: StratumConnection;
  outbox: Buffer;
  closing: boolean;
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
  return Bun.listen<SocketState | undefined>({
    hostname: host,
    port: ctx.port.port,
    socket: {
      open(socket) {
        const ip = socket.remoteAddress;
        if (!admission.admit(ip)) {
          socket.data = undefined;
          socket.end();
          return;
        }
        const state = { ip, outbox: Buffer.alloc(0), closing: false } as SocketState;
        const transport: Transport = {
          write: (text) => write(socket, state, Buffer.from(text)),
          close: () => {
            state.closing = true;
            if (state.outbox.length === 0) socket.end();
          },
        };
        state.conn = new StratumConnection(ctx, transport, ip, Date.now());
        socket.data = state;
        connections.add(state.conn);
      },
      data(socket, chunk) {
        socket.data?.conn.onData(chunk);
      },
      drain(socket) {
        const state = socket.data;
        if (!state) return;
        write(socket, state, Buffer.alloc(0));
        if (state.closing && state.outbox.length === 0) socket.end();
      },
      close(socket) {
        const state = socket.data;
        if (!state) return;
        socket.data = undefined;
        state.conn.release();
        connections.delete(state.conn);
        admission.leave(state.ip);
      },
      error(socket, err) {
        ctx.log.debug("socket error", { remote: socket.data?.ip ?? "", error: err.message });
      },
    },
  });
}

function write(socket: Socket<SocketState | undefined>, state: SocketState, bytes: Buffer): void {
  state.outbox = state.outbox.length ? Buffer.concat([state.outbox, bytes]) : bytes;
  if (state.outbox.length === 0) return;
  const written = socket.write(state.outbox);
  state.outbox = state.outbox.subarray(Math.max(written, 0));
  if (state.outbox.length > MAX_OUTBOX_BYTES) {
    state.outbox = Buffer.alloc(0);
    socket.terminate();
  }
}
