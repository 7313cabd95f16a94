// A wRPC relay in front of a real node (the devnet) that passes every frame both ways, except that while `hold` is
// on it keeps the node's answers to submitBlock from the pool: the node has the block, the pool does not know it.

import type { ServerWebSocket } from "bun";
import { parseJson } from "../../src/common/json.ts";

interface Link {
  upstream: WebSocket;
  /** Frames from the pool that arrived before the node's socket opened. */
  queued: string[];
  /** Request ids of the pool's submitBlock calls on this socket. */
  submits: Set<unknown>;
}

export class HoldingRelay {
  hold = true;
  /** submitBlock requests relayed to the node. */
  submitted = 0;
  private server: ReturnType<typeof Bun.serve> | null = null;
  private readonly links = new Set<ServerWebSocket<Link>>();

  constructor(private readonly nodeUrl: string) {}

  get url(): string {
    return `ws://127.0.0.1:${this.server!.port}`;
  }

  start(): this {
    this.server = Bun.serve<Link>({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, server) => {
        const data: Link = { upstream: new WebSocket(this.nodeUrl), queued: [], submits: new Set() };
        return server.upgrade(req, { data }) ? undefined : new Response("websocket only", { status: 400 });
      },
      websocket: {
        open: (ws) => {
          this.links.add(ws);
          const link = ws.data;
          link.upstream.onopen = () => link.queued.splice(0).forEach((f) => link.upstream.send(f));
          link.upstream.onmessage = (e) => {
            const text = String(e.data);
            const msg = parseJson(text) as { id?: unknown };
            if (this.hold && link.submits.has(msg.id)) return;
            ws.send(text);
          };
          link.upstream.onclose = () => ws.close();
        },
        message: (ws, data) => {
          const text = String(data);
          const msg = parseJson(text) as { id?: unknown; method?: string };
          if (msg.method === "submitBlock") {
            ws.data.submits.add(msg.id);
            this.submitted++;
          }
          if (ws.data.upstream.readyState === WebSocket.OPEN) ws.data.upstream.send(text);
          else ws.data.queued.push(text);
        },
        close: (ws) => {
          this.links.delete(ws);
          ws.data.upstream.close();
        },
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.links) ws.terminate();
    await this.server?.stop(true);
  }
}
