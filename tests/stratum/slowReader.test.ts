// A peer that stops reading: when the pool closes its connection with replies still unsent, the socket is
// destroyed after stratum.closeGraceSeconds and its per-IP slot is free again. Over real TCP, with a client
// that pauses reading (Bun's socket.pause()) while it makes the pool write megabytes of replies.

import { expect, test } from "bun:test";
import type { Socket } from "bun";
import { sharedPool, TestClient } from "./harness.ts";

const shared = sharedPool({ maxConnectionsPerIp: 1, handshakeTimeoutSeconds: 2, closeGraceSeconds: 1 });

/** How many bytes this machine's kernel buffers for a loopback peer that does not read. */
async function kernelCapacity(): Promise<number> {
  let server!: Socket<undefined>;
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void (server = s), data() {} } });
  const client = await Bun.connect({ hostname: "127.0.0.1", port: listener.port, socket: { data() {} } });
  client.pause();
  await Bun.sleep(100);
  const chunk = Buffer.alloc(4096, 120);
  let total = 0;
  for (let round = 0; round < 2; round++) {
    for (;;) {
      const w = server.write(chunk);
      total += Math.max(w, 0);
      if (w < chunk.length) break;
    }
    await Bun.sleep(200);
  }
  client.terminate();
  listener.stop(true);
  return total;
}

/** Writes everything, waiting for the kernel to take it. */
async function writeAll(socket: Socket<{ drained: () => void }>, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length && socket.readyState > 0) {
    const w = socket.write(data.subarray(off));
    off += Math.max(w, 0);
    if (off < data.length) await new Promise<void>((resolve) => (socket.data.drained = resolve));
  }
}

test("a connection closed while its peer does not read is destroyed after the grace period and frees its IP slot", async () => {
  const port = shared.port;
  // Replies of ~4 KB: enough to fill the kernel buffers, then half a megabyte for the pool to hold.
  const id = "i".repeat(3_900);
  const reply = Buffer.byteLength(`{"id":"${id}","result":true,"error":null}\n`);
  const requests = Math.ceil(((await kernelCapacity()) + 512 * 1024) / reply);
  const reader = await Bun.connect<{ drained: () => void }>({
    hostname: "127.0.0.1", port,
    // A close also ends the wait: on a loaded machine the pool may cut the socket off before it took everything.
    socket: { open: (s) => void (s.data = { drained: () => {} }), data() {}, drain: (s) => s.data.drained(), close: (s) => s.data.drained() },
  });
  reader.pause();
  const line = `{"id":"${id}","method":"mining.extranonce.subscribe","params":[]}\n`;
  await writeAll(reader, Buffer.from(line.repeat(requests)));

  // The handshake timeout (2 s) closes it with replies unsent; the grace (1 s) must then free the slot.
  await Bun.sleep(4_000);
  const next = await TestClient.connect(port);
  const r = await next.reply(next.send("mining.subscribe", ["lolMiner 1.72"]), 2_000);
  expect(r.result).toEqual([true, "EthereumStratum/1.0.0"]);
  next.close();
  reader.terminate();
}, 20_000);
