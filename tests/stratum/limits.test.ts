// Connection limits, idle timeout and bans, over real TCP.

import { expect, test } from "bun:test";
import { jobFromNotify, mine, minerAddress, nonceHex, sharedPool, TestClient } from "./harness.ts";

const shared = sharedPool({
  maxConnectionsPerIp: 2,
  idleTimeoutSeconds: 1,
  ban: { enabled: true, invalidRatio: 0.5, minShares: 4, durationSeconds: 60 },
});

test("connections per IP are capped; an idle connection is closed and frees its place", async () => {
  const a = await TestClient.connect(shared.port);
  const b = await TestClient.connect(shared.port);
  const c = await TestClient.connect(shared.port);
  expect(await c.closedByServer(1_000)).toBe(true);
  // Nothing said for over a second: both are closed by the idle timeout (checked once a second).
  expect(await a.closedByServer(3_500)).toBe(true);
  expect(await b.closedByServer(1_000)).toBe(true);
  const d = await TestClient.connect(shared.port);
  expect((await d.reply(d.send("mining.subscribe", ["lolMiner 1.72"]))).result).toEqual([true, "EthereumStratum/1.0.0"]);
  d.close();
  await Bun.sleep(100);
});

test("a miner sending mostly invalid shares is banned and cannot reconnect", async () => {
  const c = await TestClient.connect(shared.port);
  await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
  await c.reply(c.send("mining.authorize", [`${minerAddress(1)}.w`, "x"]));
  let notify;
  let extranonce = "";
  do {
    notify = await c.message();
    if (notify.method === "mining.set_extranonce") extranonce = notify.params[0];
  } while (notify.method !== "mining.notify");
  const job = jobFromNotify(notify, "words");
  expect((await c.reply(c.send("mining.submit", ["w", job.jobId, nonceHex(mine(job, 2 ** -29, extranonce))]))).result).toBe(true);
  for (let i = 0; i < 3; i++) expect((await c.reply(c.send("mining.submit", ["w", job.jobId, "zz"]))).error[0]).toBe(20);
  expect(await c.closedByServer(2_000)).toBe(true);
  const again = await TestClient.connect(shared.port);
  expect(await again.closedByServer(1_000)).toBe(true);
});
