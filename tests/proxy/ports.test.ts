// The proxy's stratum ports are the pool's listener: stratum+ssl with the port's certificate, the PROXY header on
// ports behind a balancer, and admission (stratum.maxConnectionsPerIp, bans) by the address the header names.
// Every client really connects from 127.0.0.1.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { startProxy, type Proxy } from "../../src/proxy/index.ts";
import { capturingLogger, TestClient, type Pool } from "../stratum/harness.ts";
import { proxyHeader } from "../stratum/proxyHeader.ts";
import { selfSignedCert, type CertFiles } from "../stratum/selfSigned.ts";
import { FARM, proxyConfig, runProxy, startUpstreamPool, until, upstreamUrl } from "./harness.ts";
import { ScriptedUpstream } from "./scriptedUpstream.ts";

const SUBSCRIBE = '{"id":1,"method":"mining.subscribe","params":["lolMiner 1.72"]}\n';

describe("a TLS proxy port", () => {
  let cert: CertFiles;
  let pool: Pool;
  let proxy: Proxy;
  let miner: Miner | null = null;

  beforeAll(async () => {
    cert = selfSignedCert();
    pool = await startUpstreamPool({ difficulty: 2 ** -22, devnetDifficulty: 2 ** -10 });
    proxy = await runProxy(proxyConfig(
      { upstreams: [{ name: "main", url: upstreamUrl(pool), user: `${FARM}.farm` }] },
      { difficulty: 2 ** -22, tls: { cert: cert.cert, key: cert.key } },
    ));
  });

  afterAll(async () => {
    await miner?.stop();
    await proxy?.stop();
    await pool?.stop();
    cert?.remove();
  });

  test("the CPU miner over stratum+ssl gets shares accepted upstream", async () => {
    miner = await startMiner({ url: `stratum+ssl://127.0.0.1:${proxy.ports[0]}`, user: "me.rig", tls: { ca: readFileSync(cert.cert, "utf8") } });
    await miner.firstAccepted;
    await until("a share accepted upstream", () => proxy.status().workers.some((w) => w.upstreamAccepted > 0));
    expect(miner.stats().rejected).toBe(0);
    expect(pool.sink.shares.length).toBeGreaterThan(0);
  }, 30_000);

  test("plain stratum on it gets no stratum reply", async () => {
    const c = await TestClient.connect(proxy.ports[0]!);
    c.send("mining.subscribe", ["lolMiner 1.72"]);
    await expect(c.line(2_000)).rejects.toThrow(/connection closed|no line in time/);
    c.close();
  });
});

describe("a proxyProtocol proxy port", () => {
  const { log: capture, logged } = capturingLogger();
  let upstream: ScriptedUpstream;
  let proxy: Proxy;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    upstream = new ScriptedUpstream("a001", 2 ** -16).start();
    const config = proxyConfig(
      { upstreams: [{ name: "s", url: upstream.url, user: "farm.proxy" }] },
      { difficulty: 2 ** -20, proxyProtocol: true },
      { maxConnectionsPerIp: 2, handshakeTimeoutSeconds: 2, ban: { enabled: true, invalidRatio: 0.5, minShares: 4, durationSeconds: 60 } },
    );
    proxy = await startProxy({ config, log: capture });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await until("the closed miners gone", () => proxy.status().miners === 0, 5_000);
  });

  afterAll(async () => {
    await proxy?.stop();
    upstream?.stop();
  });

  /** Connects through a "balancer" claiming `ip` and logs in. */
  async function admitted(ip: string): Promise<TestClient> {
    const c = await TestClient.connect(proxy.ports[0]!);
    clients.push(c);
    c.write(proxyHeader("v2", ip, SUBSCRIBE));
    expect((await c.reply(1, 8_000)).error).toBeNull();
    expect((await c.reply(c.send("mining.authorize", ["me.rig", "x"]))).result).toBe(true);
    return c;
  }

  /** Closed without a single line. */
  async function refused(bytes: string | Uint8Array): Promise<void> {
    const c = await TestClient.connect(proxy.ports[0]!);
    c.write(bytes);
    await expect(c.line(5_000)).rejects.toThrow("connection closed");
  }

  test("the startup line says the port expects the PROXY header", () => {
    expect(logged.find((l) => l.msg === "proxy listening")?.fields?.ports).toBe(`${proxy.ports[0]} (proxy protocol)`);
  });

  test("the proxy sees the address the v2 header names", async () => {
    await admitted("203.0.113.7");
    expect(proxy.status().workers.map((w) => w.remote)).toEqual(["203.0.113.7"]);
  });

  test("a connection without the header is refused, and the log says why", async () => {
    logged.length = 0;
    await refused(SUBSCRIBE);
    const refusal = logged.find((l) => l.msg === "refused connection without a valid PROXY header");
    expect(refusal?.fields).toMatchObject({ remote: "127.0.0.1", reason: "no PROXY protocol header" });
  });

  test("stratum.maxConnectionsPerIp counts the claimed address", async () => {
    await admitted("203.0.113.20");
    await admitted("203.0.113.20");
    await refused(proxyHeader("v2", "203.0.113.20", SUBSCRIBE));
    // Same socket address as the three above, another claimed miner: admitted.
    await admitted("203.0.113.21");
    expect(proxy.status().miners).toBe(3);
  });

  test("garbage lines earn the claimed address a ban, and only that address", async () => {
    const c = await admitted("198.51.100.30");
    for (let i = 0; i < 4; i++) c.write("not json\n");
    expect(await c.closedByServer(5_000)).toBe(true);
    expect(logged.find((l) => l.msg.startsWith("banned"))?.fields?.ip).toBe("198.51.100.30");
    await refused(proxyHeader("v2", "198.51.100.30", SUBSCRIBE));
    await admitted("198.51.100.31");
  });
});
