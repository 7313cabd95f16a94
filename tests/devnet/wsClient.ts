// A bare wRPC JSON client for the devnet tests: raw frames in and out, so tests see exactly what the server sends.

import { parseJson, stringifyJson } from "../../src/common/json.ts";

type Msg = Record<string, any>;

export class WsClient {
  private readonly inbox: Msg[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<number>;
  private nextId = 9007199254740993n; // above 2^53 on purpose: ids must be echoed exactly

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.inbox.push(parseJson(String(e.data)) as Msg);
      for (const w of this.waiters.splice(0)) w();
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (e) => {
        resolve(e.code);
        for (const w of this.waiters.splice(0)) w();
      };
    });
  }

  static connect(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new WsClient(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request and returns the whole reply message ({id, method, params} or {id, method, error}). */
  async request(method: string, params: unknown = {}): Promise<Msg> {
    const id = this.nextId++;
    this.ws.send(stringifyJson({ id, method, params }));
    const reply = await this.take((m) => m.id === id, `reply to ${method}`);
    return reply;
  }

  /** The reply params; throws with the server's error message if it answered with an error. */
  async call(method: string, params: unknown = {}): Promise<any> {
    const reply = await this.request(method, params);
    if (reply.error) throw new Error(reply.error.message);
    return reply.params;
  }

  /** Waits for the next notification with this method name (already received ones count). */
  notification(method: string, timeoutMs = 3000): Promise<Msg> {
    return this.take((m) => m.id === undefined && m.method === method, method, timeoutMs);
  }

  /** Drops queued notifications so a test can wait for fresh ones. */
  drain(): void {
    this.inbox.length = 0;
  }

  close(): void {
    this.ws.close();
  }

  private async take(match: (m: Msg) => boolean, what: string, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState !== WebSocket.OPEN) throw new Error(`no ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
