// The difficulty floor over real TCP: port difficulties and `d=` below it are raised to it.

import { expect, test } from "bun:test";
import { FIXED_PORT, minerAddress, sharedPool, TestClient } from "./harness.ts";

const FLOOR = 2 ** -20;
const shared = sharedPool({
  difficultyFloor: FLOOR,
  ports: [
    FIXED_PORT,
    {
      port: 0, mode: "pplns", difficulty: 2 ** -29, encoding: "auto",
      vardiff: { targetSharesPerMinute: 20, minDifficulty: 1e-9, maxDifficulty: 1e15, intervalSeconds: 10, powerOfTwo: false },
    },
  ],
});

async function difficultyAfterLogin(port: number, password: string): Promise<number> {
  const c = await TestClient.connect(port);
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  await c.reply(c.send("mining.authorize", [`${minerAddress(1)}.w`, password]));
  for (;;) {
    const m = await c.message();
    if (m.method === "mining.set_difficulty") {
      c.close();
      return m.params[0];
    }
  }
}

test("a fixed port's difficulty below the floor is raised to it", async () => {
  expect(await difficultyAfterLogin(shared.port, "x")).toBe(FLOOR);
});

test("d= and a vardiff start below the floor are raised to it; d= above it is kept", async () => {
  const vardiffPort = shared.pool.stratum.ports[1]!;
  expect(await difficultyAfterLogin(vardiffPort, "x")).toBe(FLOOR);
  expect(await difficultyAfterLogin(vardiffPort, "d=0.000000001")).toBe(FLOOR);
  expect(await difficultyAfterLogin(vardiffPort, "d=0.5")).toBe(0.5);
});
