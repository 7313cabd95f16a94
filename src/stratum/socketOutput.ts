// A miner socket's side of a Transport: buffered writes that respect backpressure, a slow reader cut off, and a
// close that lets the last lines drain. Used by the pool's listener (server.ts) and the proxy's.
//
// Writes are coalesced: the lines a connection produces while one event (a read, a timer, a job broadcast) is
// handled go out as one socket write when its microtasks have run. One send per reply cost ~46% of the server's
// CPU under load; replies to the submits of one read now share a send.

import type { Socket } from "bun";
import type { Transport } from "./lineConnection.ts";

/** A miner that stops reading while we keep writing jobs is cut off rather than buffered without end. */
const MAX_OUTBOX_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);

export class SocketOutput implements Transport {
  /** Lines written since the last flush. */
  private pending = "";
  /** Bytes the kernel did not take yet; sent on drain, before anything newer. */
  private outbox: Buffer = EMPTY;
  /** Set by close(): the socket ends once the outbox is empty. */
  closing = false;
  /** Set while a closed connection waits for its last bytes to drain. */
  private grace: ReturnType<typeof setTimeout> | null = null;
  private gone = false;

  constructor(private readonly socket: Socket<unknown>, private readonly closeGraceSeconds: number) {}

  write(text: string): void {
    if (this.pending === "") {
      dirty.push(this);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flushDirty);
      }
    }
    this.pending += text;
  }

  close(): void {
    this.flush();
    this.closing = true;
    // Bun's end() closes at once, leaving what the kernel holds to the kernel; only our outbox waits
    // for drain, and a peer that never reads never drains: it gets the grace period, then is cut off.
    if (this.outbox.length === 0) return void this.socket.end();
    this.grace = setTimeout(() => this.socket.terminate(), this.closeGraceSeconds * 1000);
  }

  /** The socket's drain event: what waited goes out, and a closing socket ends once it all has. */
  drain(): void {
    this.send("");
    if (this.closing && this.outbox.length === 0) this.socket.end();
  }

  /** The socket's close event: nothing is written after it. */
  closed(): void {
    this.gone = true;
    if (this.grace) clearTimeout(this.grace);
  }

  flush(): void {
    if (this.pending === "") return;
    // Closed since the lines were queued: nothing to deliver them to.
    if (this.gone) return void (this.pending = "");
    const text = this.pending;
    this.pending = "";
    this.send(text);
  }

  private send(text: string): void {
    const { socket } = this;
    if (this.outbox.length === 0) {
      if (text === "") return;
      const written = socket.write(text);
      const size = Buffer.byteLength(text);
      if (written >= size) return;
      this.outbox = Buffer.from(text).subarray(Math.max(written, 0));
    } else {
      this.outbox = text === "" ? this.outbox : Buffer.concat([this.outbox, Buffer.from(text)]);
      const written = socket.write(this.outbox);
      this.outbox = this.outbox.subarray(Math.max(written, 0));
    }
    if (this.outbox.length > MAX_OUTBOX_BYTES) {
      this.outbox = EMPTY;
      socket.terminate();
    }
  }
}

const dirty: SocketOutput[] = [];
let flushQueued = false;

function flushDirty(): void {
  flushQueued = false;
  for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
  dirty.length = 0;
}
