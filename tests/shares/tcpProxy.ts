// A TCP proxy in front of Postgres that a test can cut and restore, to make the database really unreachable.

import type { Socket, TCPSocketListener } from "bun";

export interface TcpProxy {
  port: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  restore(): void;
  stop(): void;
}

export function startTcpProxy(targetHost: string, targetPort: number): TcpProxy {
  type Link = { peer: Socket<Link> | null; buffered: Uint8Array[] };
  const open = new Set<Socket<Link>>();
  let listener: TCPSocketListener<Link> | null = null;
  let port = 0;

  const listen = () => {
    listener = Bun.listen<Link>({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(client) {
          client.data = { peer: null, buffered: [] };
          open.add(client);
          Bun.connect<Link>({
            hostname: targetHost,
            port: targetPort,
            socket: {
              open(server) {
                server.data = { peer: client, buffered: [] };
                open.add(server);
                client.data.peer = server;
                for (const chunk of client.data.buffered) server.write(chunk);
                client.data.buffered = [];
              },
              data(server, chunk) {
                server.data.peer?.write(chunk);
              },
              close(server) {
                open.delete(server);
                server.data.peer?.end();
              },
              error() {},
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          if (client.data.peer) client.data.peer.write(chunk);
          else client.data.buffered.push(new Uint8Array(chunk));
        },
        close(client) {
          open.delete(client);
          client.data.peer?.end();
        },
        error() {},
      },
    });
    port = listener.port;
  };
  listen();

  const cut = () => {
    listener?.stop(true);
    listener = null;
    for (const s of open) s.terminate();
    open.clear();
  };
  return {
    get port() {
      return port;
    },
    cut,
    restore: () => {
      if (!listener) listen();
    },
    stop: cut,
  };
}

/** A proxy in front of the local Postgres `url` points at, and the URL that reaches the same database through it. */
export function proxyPostgres(url: string): { proxy: TcpProxy; url: string } {
  const target = new URL(url);
  const proxy = startTcpProxy("127.0.0.1", Number(target.port || 5432));
  target.port = String(proxy.port);
  return { proxy, url: target.toString() };
}
