// A small WebSocket server for client tests that speaks the node's real wRPC framing (node-rpc.md §2) and answers
// from a per-method script. It records every raw frame so tests can check exactly what went over the wire.

import type { ServerWebSocket } from "bun";
import { parseJson, stringifyJson } from "../../src/common/json.ts";

type Reply = { params: unknown } | { error: string } | "silent";
export type Script = Record<string, (params: any) => Reply>;

export interface Frame {
  raw: string;
  id: unknown;
  method: string;
  params: any;
}

export class ScriptedNode {
  readonly frames: Frame[] = [];
  readonly sockets = new Set<ServerWebSocket<unknown>>();
  private server: ReturnType<typeof Bun.serve> | null = null;
  connections = 0;

  constructor(public script: Script = {}, public port = 0) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  start(): this {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: this.port,
      fetch: (req, server) => (server.upgrade(req, { data: undefined }) ? undefined : new Response("websocket only", { status: 400 })),
      websocket: {
        open: (ws) => {
          this.connections++;
          this.sockets.add(ws);
        },
        close: (ws) => void this.sockets.delete(ws),
        message: (ws, data) => this.answer(ws, String(data)),
      },
    });
    this.port = this.server.port!;
    return this;
  }

  /** Stops listening and drops every open socket without a close handshake, like a crashed node. */
  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await this.server?.stop(true);
    this.server = null;
  }

  notify(method: string, params: unknown): void {
    this.sendRaw(stringifyJson({ method, params }));
  }

  sendRaw(text: string): void {
    for (const ws of this.sockets) ws.send(text);
  }

  framesOf(method: string): Frame[] {
    return this.frames.filter((f) => f.method === method);
  }

  private answer(ws: ServerWebSocket<unknown>, raw: string): void {
    const msg = parseJson(raw) as { id: unknown; method: string; params: unknown };
    this.frames.push({ raw, id: msg.id, method: msg.method, params: msg.params });
    const handler = this.script[msg.method] ?? defaultHandler(msg.method);
    const reply = handler(msg.params);
    if (reply === "silent") return;
    if ("error" in reply) {
      ws.send(stringifyJson({ id: msg.id, method: msg.method, error: { code: 0, message: reply.error, data: null } }));
    } else {
      ws.send(stringifyJson({ id: msg.id, method: msg.method, params: reply.params }));
    }
  }
}

function defaultHandler(method: string): (params: unknown) => Reply {
  if (method === "subscribe") return () => ({ params: { id: 1 } });
  if (method === "unsubscribe" || method === "ping") return () => ({ params: {} });
  return () => ({ error: "RPC method not found" });
}

/** Resolves when check() becomes true; polls because the events under test arrive over real sockets. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
