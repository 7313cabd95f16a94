// A TLS stratum port with a self-signed certificate made here, the pool on the devnet, and the CPU miner over
// stratum+ssl: verified by default, trusted with --ca, or with --insecure.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { minerAddress, startPool, TestClient, type Pool } from "./harness.ts";
import { selfSignedCert, type CertFiles } from "./selfSigned.ts";

const MAIN = new URL("../../src/miner/main.ts", import.meta.url).pathname;
let cert: CertFiles;
let pool: Pool;
let url: string;
const miners: Miner[] = [];

beforeAll(async () => {
  cert = selfSignedCert();
  pool = await startPool({
    devnetDifficulty: 2 ** -10,
    stratum: { ports: [{ port: 0, difficulty: 2 ** -24, vardiff: false, tls: { cert: cert.cert, key: cert.key } }] },
  });
  url = `stratum+ssl://127.0.0.1:${pool.stratum.ports[0]}`;
});

afterAll(async () => {
  await Promise.all(miners.map((m) => m.stop()));
  await pool?.stop();
  cert?.remove();
});

const sharesOf = (n: number) => pool.sink.shares.filter((s) => s.address === minerAddress(n));

describe("stratum+ssl", () => {
  test("the CPU miner trusting the pool's certificate gets shares accepted", async () => {
    const miner = await startMiner({ url, user: `${minerAddress(1)}.tls`, tls: { ca: readFileSync(cert.cert, "utf8") } });
    miners.push(miner);
    await miner.firstAccepted;
    expect(miner.stats().rejected).toBe(0);
    expect(sharesOf(1).length).toBeGreaterThan(0);
  }, 20_000);

  test("the certificate is verified by default: a self-signed one is refused, nothing reaches the pool", async () => {
    const miner = await startMiner({ url, user: `${minerAddress(2)}.tls` });
    miners.push(miner);
    expect(miner.stats().lastError).toContain("TLS handshake failed: self signed certificate");
    await miner.stop();
    expect(pool.stratum.stats().workers.some((w) => w.address === minerAddress(2))).toBe(false);
  });

  test("insecure accepts any certificate", async () => {
    const miner = await startMiner({ url, user: `${minerAddress(3)}.tls`, tls: { insecure: true } });
    miners.push(miner);
    await miner.firstAccepted;
    expect(sharesOf(3).length).toBeGreaterThan(0);
  }, 20_000);

  test("plain stratum on a TLS port gets no stratum reply", async () => {
    const c = await TestClient.connect(pool.stratum.ports[0]!);
    c.send("mining.subscribe", ["lolMiner 1.72"]);
    await expect(c.line(2_000)).rejects.toThrow(/connection closed|no line in time/);
    c.close();
  });

  test("bun run miner --url stratum+ssl://… --ca FILE mines; a bad --ca or --ca without ssl exits 2", async () => {
    const proc = Bun.spawn([process.execPath, "run", MAIN, "--url", url, "--user", `${minerAddress(4)}.cli`, "--ca", cert.cert], {
      stdout: "pipe", stderr: "pipe",
    });
    const deadline = Date.now() + 15_000;
    while (sharesOf(4).length === 0 && Date.now() < deadline) await Bun.sleep(100);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    expect(sharesOf(4).length).toBeGreaterThan(0);

    for (const [args, message] of [
      [["--url", url, "--user", "a.b", "--ca", "/nonexistent.pem"], "miner: --ca: cannot read /nonexistent.pem (ENOENT)"],
      [["--url", url.replace("ssl", "tcp"), "--user", "a.b", "--insecure"], "miner: --ca and --insecure need a stratum+ssl:// url"],
    ] as const) {
      const bad = Bun.spawn([process.execPath, "run", MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
      expect(await bad.exited).toBe(2);
      expect((await new Response(bad.stderr).text()).split("\n")[0]).toBe(message);
    }
  }, 25_000);
});
