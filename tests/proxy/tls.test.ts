// An upstream over TLS: the proxy (as an operator runs it) trusts the upstream's certificate through the
// system's CA store, here extended with the test certificate by NODE_EXTRA_CA_CERTS, and mines through it.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../../src/config/defaults.ts";
import { TestClient } from "../stratum/harness.ts";
import { proxyRuns, spawnProxy } from "./harness.ts";
import { ScriptedUpstream } from "./scriptedUpstream.ts";

const CERT = join(import.meta.dir, "fixtures/upstream-cert.pem");
const KEY = join(import.meta.dir, "fixtures/upstream-key.pem");

const run = proxyRuns();

async function proxyTo(tls: boolean, extraCa: boolean): Promise<number> {
  const upstream = (run.upstream = new ScriptedUpstream("a001", 2 ** -16, { cert: readFileSync(CERT, "utf8"), key: readFileSync(KEY, "utf8") }).start());
  run.proxy = spawnProxy({
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, difficulty: 2 ** -20, vardiff: false }] },
    api: { host: "127.0.0.1", port: 0 },
    proxy: { ...defaults.proxy, connectTimeoutSeconds: 2, upstreams: [{ name: "tls", url: upstream.url, user: "farm.proxy", tls }] },
  }, extraCa ? { NODE_EXTRA_CA_CERTS: CERT } : {});
  // Listening from the start-up line on.
  return run.proxy.stratumPort(20_000);
}

test("tls: true reaches a TLS upstream whose certificate the system trusts", async () => {
  const port = await proxyTo(true, true);
  const miner = await TestClient.connect(port);
  miner.send("mining.subscribe", ["lolMiner 1.72"]);
  expect((await miner.reply(miner.send("mining.authorize", ["me.rig", "x"]), 8_000)).result).toBe(true);
  expect(await miner.message()).toMatchObject({ method: "mining.set_extranonce", params: ["a00100"] });
  miner.close();
}, 30_000);

test("an untrusted certificate is refused: no job ever reaches the miner", async () => {
  const port = await proxyTo(true, false);
  const miner = await TestClient.connect(port);
  miner.send("mining.subscribe", ["lolMiner 1.72"]);
  const id = miner.send("mining.authorize", ["me.rig", "x"]);
  await expect(miner.reply(id, 2_500)).rejects.toThrow();
  miner.close();
}, 30_000);
