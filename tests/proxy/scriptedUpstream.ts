// An upstream pool scripted line by line, for what a kaspool pool never does on cue: hold a verdict, answer a
// chosen error code, count dials. One job; every submit waits in `submits` until the test answers it.

import type { Socket, TCPSocketListener } from "bun";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { bigHeaderJob, jobWords } from "../../src/kaspa/jobEncoding.ts";

export interface HeldSubmit {
  params: unknown[];
  answer(result: true | [number, string]): void;
}

export class ScriptedUpstream {
  dials = 0;
  open = 0;
  readonly submits: HeldSubmit[] = [];
  readonly prePowHash = new Uint8Array(32).fill(7);
  readonly timestamp = 1_700_000_000_000n;
  private listener!: TCPSocketListener<{ inbox: string }>;
  private readonly sockets = new Set<Socket<{ inbox: string }>>();

  /** `bigHeader`: jobs in the 80-hex form, as some pools send everyone. */
  bigHeader = false;

  constructor(readonly extranonce: string, readonly difficulty: number, private readonly tls?: { cert: string; key: string }) {}

  start(): this {
    this.listener = Bun.listen<{ inbox: string }>({
      hostname: "127.0.0.1",
      port: 0,
      tls: this.tls,
      socket: {
        open: (s) => {
          this.dials++;
          this.open++;
          s.data = { inbox: "" };
          this.sockets.add(s);
        },
        close: (s) => {
          this.open--;
          this.sockets.delete(s);
        },
        data: (s, chunk) => {
          s.data.inbox += chunk.toString();
          let nl: number;
          while ((nl = s.data.inbox.indexOf("\n")) >= 0) {
            const line = s.data.inbox.slice(0, nl);
            s.data.inbox = s.data.inbox.slice(nl + 1);
            this.handle(s, parseJson(line) as { id: number; method: string; params: unknown[] });
          }
        },
      },
    });
    return this;
  }

  get url(): string {
    return `stratum+tcp://127.0.0.1:${this.listener.port}`;
  }

  private handle(s: Socket<{ inbox: string }>, msg: { id: number; method: string; params: unknown[] }): void {
    const send = (m: unknown) => s.write(stringifyJson(m) + "\n");
    if (msg.method === "mining.subscribe") send({ id: msg.id, result: [true, "EthereumStratum/1.0.0"], error: null });
    else if (msg.method === "mining.authorize") {
      send({ id: msg.id, result: true, error: null });
      send({ id: null, method: "mining.set_extranonce", params: [this.extranonce] });
      send({ id: null, method: "mining.set_difficulty", params: [this.difficulty] });
      send({ id: null, method: "mining.notify", params: this.bigHeader
        ? ["77", bigHeaderJob(this.prePowHash, this.timestamp)]
        : ["77", jobWords(this.prePowHash), this.timestamp] });
    } else if (msg.method === "mining.submit") {
      this.submits.push({
        params: msg.params,
        answer: (r) => send(r === true ? { id: msg.id, result: true, error: null } : { id: msg.id, result: null, error: [r[0], r[1], null] }),
      });
    }
  }

  /** A second job (id "78", another header) to every connection. */
  newJob(): Uint8Array {
    const prePowHash = new Uint8Array(32).fill(8);
    for (const s of this.sockets) s.write(stringifyJson({ id: null, method: "mining.notify", params: ["78", jobWords(prePowHash), this.timestamp] }) + "\n");
    return prePowHash;
  }

  stop(): void {
    this.listener.stop(true);
  }
}
