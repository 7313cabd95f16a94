// The WebSocket edge: accepts connections on any path, decodes frames, runs one handler call per request in
// arrival order (the node processes a connection's messages sequentially) and writes the reply.

import type { ServerWebSocket } from "bun";
import type { Logger } from "../common/log.ts";
import { BadParams, RpcError } from "./errors.ts";
import { decodeRequest, encodeError, encodeResult } from "./framing.ts";

export interface Connection {
  readonly id: number;
  /** Sends one text frame; silently dropped if the socket is already closed. */
  send(text: string): void;
}

export interface RpcHandler {
  /** Returns the reply params, or throws RpcError / BadParams. Must not block for long: it runs on the socket path. */
  handle(conn: Connection, method: string, params: unknown): unknown;
  closed(conn: Connection): void;
}

export interface RpcServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface SocketData {
  id: number;
}

export function startRpcServer(opts: { host: string; port: number; handler: RpcHandler; log: Logger }): RpcServer {
  const { handler, log } = opts;
  let nextId = 1;
  const sockets = new Set<ServerWebSocket<SocketData>>();
  const connections = new WeakMap<ServerWebSocket<SocketData>, Connection>();

  const server = Bun.serve({
    hostname: opts.host,
    port: opts.port,
    fetch(req, srv) {
      if (srv.upgrade(req, { data: { id: nextId++ } })) return undefined;
      return new Response("WebSocket endpoint\n", { status: 426 });
    },
    websocket: {
      data: {} as SocketData,
      maxPayloadLength: 128 * 1024 * 1024,
      open(ws) {
        sockets.add(ws);
        connections.set(ws, { id: ws.data.id, send: (text) => { if (ws.readyState === 1) ws.send(text); } });
      },
      message(ws, message) {
        const text = typeof message === "string" ? message : Buffer.from(message).toString("utf8");
        const conn = connections.get(ws)!;
        const msg = decodeRequest(text);
        if (msg.kind === "malformed") {
          log.debug("dropping connection on malformed message", { conn: conn.id, reason: msg.reason });
          ws.close(1002, "malformed message");
          return;
        }
        if (msg.kind === "notification") return;
        ws.send(reply(handler, log, conn, msg.id, msg.method, msg.params));
      },
      close(ws) {
        sockets.delete(ws);
        const conn = connections.get(ws);
        if (conn) handler.closed(conn);
      },
    },
  });

  const port = server.port!;
  return {
    url: `ws://${opts.host}:${port}`,
    port,
    async stop() {
      for (const ws of sockets) ws.close(1001, "server stopping");
      await server.stop(true);
    },
  };
}

function reply(handler: RpcHandler, log: Logger, conn: Connection, id: number | bigint, method: string, params: unknown): string {
  try {
    return encodeResult(id, method, handler.handle(conn, method, params));
  } catch (err) {
    if (err instanceof RpcError) return encodeError(id, method, err.message);
    if (err instanceof BadParams) {
      log.debug("bad params", { method, detail: err.detail });
      return encodeError(id, method, err.message);
    }
    log.error("handler failed", { method, error: err instanceof Error ? err.message : String(err) });
    return encodeError(id, method, "internal error");
  }
}
