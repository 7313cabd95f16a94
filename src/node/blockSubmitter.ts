// Sends found blocks to every configured node at once, each over a connection of its own that template and block
// tracking traffic never share, so a busy, dead or reconnecting node cannot delay a block another node would take.

import { NodeClient, type NodeClientOptions } from "./client.ts";
import type { BlockTemplate } from "./types.ts";

/**
 * What the nodes said. Only a node's explicit reject is a verdict against the block; a timeout, a lost or missing
 * socket, or an RPC error leaves it unanswered: the node may have taken it, so it is resubmitted and followed.
 */
export type SubmitOutcome =
  | { status: "accepted" }
  | { status: "rejected"; reason: string }
  | { status: "unanswered"; error: string };

export type BlockSubmitterOptions = Pick<NodeClientOptions, "urls" | "requestTimeoutMs" | "log">;

export class BlockSubmitter {
  private readonly clients: NodeClient[];

  constructor(o: BlockSubmitterOptions) {
    if (o.urls.length === 0) throw new Error("BlockSubmitter needs at least one node url");
    this.clients = o.urls.map((url) => new NodeClient({ urls: [url], requestTimeoutMs: o.requestTimeoutMs, log: o.log }));
  }

  start(): void {
    for (const c of this.clients) c.start();
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  /** Calls fn each time one of the nodes (re)connects. */
  onConnected(fn: () => void): () => void {
    const offs = this.clients.map((c) => c.on("connected", () => fn()));
    return () => offs.forEach((off) => off());
  }

  /**
   * The block goes to every node at once; the first success wins. Otherwise it resolves once every node has
   * answered or failed, which the request timeout bounds (a node without a socket fails at once). A reject only
   * counts when no attempt was left unanswered: the silent node may be the one that took the block.
   */
  submit(template: BlockTemplate, nonce: bigint): Promise<SubmitOutcome> {
    return new Promise((resolve) => {
      let left = this.clients.length;
      let reason: string | null = null;
      const failures: string[] = [];
      const settled = () => {
        if (--left > 0) return;
        if (failures.length === 0 && reason !== null) resolve({ status: "rejected", reason });
        else resolve({ status: "unanswered", error: failures.join("; ") });
      };
      for (const client of this.clients) {
        client.submitBlock(template, nonce).then(
          (r) => {
            if (r.accepted) resolve({ status: "accepted" });
            else reason ??= r.rejectReason ?? "unknown";
            settled();
          },
          (err: unknown) => {
            failures.push(err instanceof Error ? err.message : String(err));
            settled();
          },
        );
      }
    });
  }
}
