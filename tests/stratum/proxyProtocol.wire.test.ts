// PROXY protocol ports over real TCP: the per-IP limit, bans and logs see the address the header claims, and a
// connection without a valid header is refused. Every client really connects from 127.0.0.1.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { startDevnet, type Devnet } from "../../src/devnet/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { MemoryShareSink } from "../../src/shares/memory.ts";
import { startStratum, type Stratum } from "../../src/stratum/index.ts";
import { capturingLogger, minerAddress, testConfig, TestClient } from "./harness.ts";
import { proxyHeader, type ProxyVersion } from "./proxyHeader.ts";

const SUBSCRIBE = '{"id":1,"method":"mining.subscribe","params":["lolMiner 1.72"]}\n';

/** A header claiming `ip` (IPv4), with the subscribe request in the same write. */
const header = (version: ProxyVersion, ip: string) => proxyHeader(version, ip, SUBSCRIBE);

const { log: capture, logged } = capturingLogger();

let devnet: Devnet;
let node: NodeClient;
let submitter: BlockSubmitter;
let stratum: Stratum;
let proxied: number;
let plain: number;

beforeAll(async () => {
  devnet = await startDevnet({ port: 0, difficulty: 1e6, bps: 2 });
  node = new NodeClient({ urls: [devnet.url], log: silentLogger });
  node.start();
  await node.waitConnected(5_000);
  submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger });
  submitter.start();
  const config = testConfig(devnet.url, {
    ports: [
      { port: 0, difficulty: 2 ** -29, vardiff: false, proxyProtocol: true },
      { port: 0, difficulty: 2 ** -29, vardiff: false },
    ],
    maxConnectionsPerIp: 2,
    handshakeTimeoutSeconds: 1,
    ban: { enabled: true, invalidRatio: 0.5, minShares: 4, durationSeconds: 60 },
  });
  stratum = await startStratum({ config, node, submitter, sink: new MemoryShareSink(), log: capture });
  [proxied, plain] = stratum.ports as [number, number];
});

afterAll(async () => {
  await stratum?.stop();
  await submitter?.close();
  await node?.close();
  await devnet?.stop();
});

/** Connects through a "balancer" claiming `ip`; resolves once the subscribe sent with the header is answered. */
async function admitted(version: ProxyVersion, ip: string): Promise<TestClient> {
  const c = await TestClient.connect(proxied);
  c.write(header(version, ip));
  expect((await c.reply(1)).result).toEqual([true, "EthereumStratum/1.0.0"]);
  // Authorized, so the 1-second handshake timeout of this pool leaves it open.
  expect((await c.reply(c.send("mining.authorize", [`${minerAddress(1)}.w`, "x"]))).result).toBe(true);
  return c;
}

async function refused(port: number, bytes: string | Uint8Array, timeoutMs = 2_000): Promise<void> {
  const c = await TestClient.connect(port);
  c.write(bytes);
  // Closed without a single line: nothing the pool says reaches a connection it did not admit.
  await expect(c.line(timeoutMs)).rejects.toThrow("connection closed");
}

test("the startup line says which port expects the PROXY header", () => {
  const line = logged.find((l) => l.msg === "stratum listening");
  expect(line?.fields?.ports).toBe(`${proxied} (proxy protocol),${plain}`);
});

describe.each(["v1", "v2"] as const)("PROXY %s", (version) => {
  const base = version === "v1" ? 10 : 20;

  test("the per-IP limit counts the claimed address, not the balancer's", async () => {
    const a1 = await admitted(version, `203.0.113.${base}`);
    const a2 = await admitted(version, `203.0.113.${base}`);
    await refused(proxied, header(version, `203.0.113.${base}`));
    // Same socket address (127.0.0.1) as the three above, but another claimed miner: admitted.
    const b = await admitted(version, `203.0.113.${base + 1}`);
    for (const c of [a1, a2, b]) c.close();
    await Bun.sleep(100);
  });

  test("a ban names and refuses the claimed address only", async () => {
    const ip = `198.51.100.${base}`;
    const c = await admitted(version, ip);
    for (let i = 0; i < 4; i++) c.write("not json\n");
    expect(await c.closedByServer(2_000)).toBe(true);
    expect(logged.find((l) => l.msg.startsWith("banned"))?.fields?.ip).toBe(ip);
    logged.length = 0;
    await refused(proxied, header(version, ip));
    const other = await admitted(version, `198.51.100.${base + 1}`);
    const direct = await TestClient.connect(plain);
    expect((await direct.reply(direct.send("mining.subscribe", ["lolMiner 1.72"]))).result).toEqual([true, "EthereumStratum/1.0.0"]);
    other.close();
    direct.close();
    await Bun.sleep(100);
  });
});

describe("refused on a proxyProtocol port", () => {
  test("a missing, malformed or over-long header closes the connection, and says why in the log", async () => {
    logged.length = 0;
    await refused(proxied, SUBSCRIBE);
    await refused(proxied, `PROXY TCP4 203.0.113.999 10.0.0.1 40000 5555\r\n${SUBSCRIBE}`);
    await refused(proxied, `PROXY UNKNOWN ${"x".repeat(200)}\r\n`);
    const badVersion = header("v2", "203.0.113.50");
    badVersion[12] = 0x31;
    await refused(proxied, badVersion);
    const reasons = logged.filter((l) => l.msg === "refused connection without a valid PROXY header").map((l) => l.fields?.reason);
    expect(reasons).toEqual([
      "no PROXY protocol header", "PROXY v1 addresses are not TCP4 addresses", "PROXY v1 header too long",
      "PROXY v2 header has an unknown version",
    ]);
  });

  test("a header that never completes is cut off after the handshake timeout", async () => {
    await refused(proxied, "PROXY TCP4 203.0.113.7 ", 4_000);
  });

  test("a port without proxyProtocol answers a PROXY line as a malformed request and keeps the connection", async () => {
    const c = await TestClient.connect(plain);
    c.write("PROXY TCP4 203.0.113.7 10.0.0.1 40000 5555\r\n");
    const reply = await c.message();
    expect(reply.error[0]).toBe(20);
    expect((await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]))).result).toEqual([true, "EthereumStratum/1.0.0"]);
    c.close();
  });
});
