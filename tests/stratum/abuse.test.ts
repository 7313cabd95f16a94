// What one client can make the pool spend, over real TCP: garbage lines count toward a ban, a socket must log in
// within the handshake timeout.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { minerAddress, startPool, TestClient, type Pool } from "./harness.ts";

let pool: Pool;
let port: number;

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: 1e6,
    stratum: {
      ports: [{ port: 0, mode: "pplns", difficulty: 2 ** -29, vardiff: false, encoding: "auto" }],
      ban: { enabled: true, invalidRatio: 0.5, minShares: 4, durationSeconds: 60 },
      handshakeTimeoutSeconds: 1,
    },
  });
  port = pool.stratum.ports[0]!;
});

afterAll(async () => {
  await pool?.stop();
});

test("a socket that does not authorize within the handshake timeout is closed, though it keeps talking", async () => {
  const quiet = await TestClient.connect(port);
  const chatty = await TestClient.connect(port);
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
  const c = await TestClient.connect(port);
  c.write("not json\n");
  c.write('{"id":1,"method":"mining.frob","params":[]}\n');
  c.write("[1,2]\n");
  c.write('{"id":2,"method":"mining.frob","params":[]}\n');
  expect(await c.closedByServer(2_000)).toBe(true);
  const again = await TestClient.connect(port);
  expect(await again.closedByServer(1_000)).toBe(true);
});

describe("extranonces", () => {
  let full: Pool;
  beforeAll(async () => {
    full = await startPool({
      devnetDifficulty: 1e6,
      stratum: { ports: [{ port: 0, mode: "pplns", difficulty: 2 ** -29, vardiff: false, encoding: "auto" }], extranonceSize: 1, maxConnectionsPerIp: 300 },
    });
  });
  afterAll(async () => {
    await full?.stop();
  });

  test("are assigned at authorize, so sockets that only subscribe cannot use them up", async () => {
    const p = full.stratum.ports[0]!;
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
