// What one client can make the pool spend, over real TCP: garbage lines count toward a ban, a socket must log in
// within the handshake timeout.

import { describe, expect, test } from "bun:test";
import { minerAddress, sharedPool, TestClient } from "./harness.ts";

const shared = sharedPool({
  ban: { enabled: true, invalidRatio: 0.5, minShares: 4, durationSeconds: 60 },
  handshakeTimeoutSeconds: 1,
});

test("a socket that does not authorize within the handshake timeout is closed, though it keeps talking", async () => {
  const quiet = await TestClient.connect(shared.port);
  const chatty = await TestClient.connect(shared.port);
  await chatty.reply(chatty.send("mining.subscribe", ["lolMiner 1.72"]));
  const keepTalking = setInterval(() => chatty.send("mining.extranonce.subscribe", []), 300);
  try {
    expect(await quiet.closedByServer(3_000)).toBe(true);
    expect(await chatty.closedByServer(1_000)).toBe(true);
  } finally {
    clearInterval(keepTalking);
  }
});

// Last: the ban covers this test's IP for the rest of the file.
test("malformed lines and unknown methods count toward the ban ratio", async () => {
  const c = await TestClient.connect(shared.port);
  c.write("not json\n");
  c.write('{"id":1,"method":"mining.frob","params":[]}\n');
  c.write("[1,2]\n");
  c.write('{"id":2,"method":"mining.frob","params":[]}\n');
  expect(await c.closedByServer(2_000)).toBe(true);
  const again = await TestClient.connect(shared.port);
  expect(await again.closedByServer(1_000)).toBe(true);
});

describe("extranonces", () => {
  const full = sharedPool({ extranonceSize: 1, maxConnectionsPerIp: 300 });

  test("are assigned at authorize, so sockets that only subscribe cannot use them up", async () => {
    const p = full.port;
    const idle = await Promise.all(Array.from({ length: 256 }, () => TestClient.connect(p)));
    const replies = await Promise.all(idle.map((c) => c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]))));
    for (const r of replies) expect(r.result).toEqual([true, "EthereumStratum/1.0.0"]);
    const miner = await TestClient.connect(p);
    await miner.reply(miner.send("mining.subscribe", ["lolMiner 1.72"]));
    expect((await miner.reply(miner.send("mining.authorize", [`${minerAddress(2)}.w`, "x"]))).result).toBe(true);
    const en = await miner.message();
    expect(en.method).toBe("mining.set_extranonce");
    expect(en.params[0]).toMatch(/^[0-9a-f]{2}$/);
    for (const c of [...idle, miner]) c.close();
  });
});
