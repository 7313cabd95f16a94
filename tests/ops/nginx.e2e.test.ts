// A real nginx with the repository's nginx.conf (compose host names swapped for loopback ports) in front of a real
// pool (`index.ts --devnet` as its own process): requests reach the pool's API port, the limit answers 429, and
// /metrics, Prometheus, the Pushgateway and Grafana are out of reach, whatever path is tried.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { hasTool } from "./tools.ts";
import { writeNginxCopy } from "./nginxConf.ts";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

const haveNginx = hasTool("nginx") && process.getuid?.() === 0;
if (hasTool("nginx") && !haveNginx) console.warn("SKIP the real-nginx test: it runs nginx as root with a private prefix");
const dir = mkdtempSync(join(tmpdir(), "kaspool-nginx-"));
chmodSync(dir, 0o755);
let pool: Subprocess<"ignore", "pipe", "pipe"> | null = null;
let nginx: Subprocess | null = null;
let nginxPort = 0;
let apiPort = 0;
/** Stand-ins for Prometheus, the Pushgateway and Grafana: any request that reaches one is counted. */
const sentinels: Array<{ name: string; hits: number; server: ReturnType<typeof Bun.serve> }> = [];

beforeAll(async () => {
  if (!haveNginx) return;
  apiPort = await freePort();
  const devnetPort = await freePort();
  const config = join(dir, "config.json");
  writeFileSync(config, JSON.stringify({
    node: { urls: [`ws://127.0.0.1:${devnetPort}`] },
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { host: "127.0.0.1", port: apiPort },
    database: { embeddedPath: join(dir, "db") },
  }));
  pool = Bun.spawn(["bun", "run", "index.ts", "--devnet", "--config", config], {
    env: { ...process.env, DATABASE_URL: "", DEBUG: "" }, stdout: "pipe", stderr: "pipe",
  });
  let output = "";
  const decoder = new TextDecoder();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pool did not start:\n${output}`)), 60_000);
    void (async () => {
      for await (const chunk of pool!.stdout) {
        output += decoder.decode(chunk);
        if (output.includes("pool running")) {
          clearTimeout(timer);
          resolve();
        }
      }
    })();
  });

  const upstreams: Record<string, string> = { "kaspool-app:8080": `127.0.0.1:${apiPort}` };
  for (const [name, host] of [["prometheus", "prometheus:9090"], ["pushgateway", "pushgateway:9091"], ["grafana", "grafana:3000"]] as const) {
    const sentinel = { name, hits: 0, server: null as unknown as ReturnType<typeof Bun.serve> };
    sentinel.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (sentinel.hits++, new Response(`SENTINEL ${name}`)) });
    sentinels.push(sentinel);
    upstreams[host] = `127.0.0.1:${sentinel.server.port}`;
  }
  nginxPort = await freePort();
  const file = writeNginxCopy({ dir, listenPort: nginxPort, upstreams, required: ["kaspool-app:8080"] });
  nginx = Bun.spawn(["nginx", "-p", dir, "-c", file, "-e", join(dir, "startup.log"), "-g", "daemon off;"], { stdout: "ignore", stderr: "pipe" });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${nginxPort}/nginx-health`).then((r) => r.ok, () => false)) return;
    await Bun.sleep(100);
  }
  throw new Error(`nginx did not start: ${await Bun.file(join(dir, "error.log")).text().catch(() => "")}`);
}, 90_000);

afterAll(async () => {
  nginx?.kill("SIGTERM");
  await nginx?.exited;
  pool?.kill("SIGTERM");
  await pool?.exited;
  for (const s of sentinels) s.server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const viaNginx = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${nginxPort}${path}`, init);
/** What the pool's API port answers itself, or null when nothing listens there (the API not built yet). */
const direct = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`).then((r) => r.status, () => null);

test.skipIf(!haveNginx)("the API and dashboard paths reach the pool's API port", async () => {
  for (const path of ["/health", "/ready", "/config", "/balance", "/total/", "/api/v1/pool", "/api/v1/miners/kaspadev:qr0", "/"]) {
    const res = await viaNginx(path);
    const own = await direct(path);
    if (own === null) {
      // Nothing serves api.port yet: nginx tried exactly that upstream and says so in the API's error shape.
      expect({ path, status: res.status, body: await res.json() })
        .toEqual({ path, status: 503, body: { error: { code: "unavailable", message: "the pool API is not answering" } } });
    } else {
      expect({ path, status: res.status }).toEqual({ path, status: own });
      await res.arrayBuffer();
    }
  }
  // CORS preflights reach the API, which decides on them.
  const preflight = await viaNginx("/api/v1/pool", { method: "OPTIONS", headers: { Origin: "https://example.com", "Access-Control-Request-Method": "GET" } });
  expect(preflight.status).not.toBe(403);
  await preflight.arrayBuffer();
  expect(sentinels.map((s) => s.hits)).toEqual([0, 0, 0]);
}, 30_000);

test.skipIf(!haveNginx)("/metrics, Prometheus, the Pushgateway and Grafana are not reachable through nginx", async () => {
  await Bun.sleep(1_500); // keep clear of the rate limit, tested last
  for (const path of ["/metrics", "/metrics/job/mining_metrics", "/metrics?x=1"]) {
    const res = await viaNginx(path);
    expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 404, body: { error: { code: "not_found", message: "not found" } } });
  }
  const probes = ["/-/healthy", "/-/ready", "/graph", "/api/v1/query?query=up", "/api/v1/targets", "/prometheus/", "/pushgateway/",
    "/api/health", "/login", "/grafana/", "/api/admin/settings", "/api/datasources", "/d/kaspool"];
  for (const path of probes) {
    const res = await viaNginx(path);
    expect({ path, body: (await res.text()).includes("SENTINEL") }).toEqual({ path, body: false });
  }
  await Bun.sleep(2_500); // 20 requests so far: let the limit's bucket refill
  // Writes never pass: the API is read-only, and the Pushgateway's push endpoint is closed above.
  for (const path of ["/metrics/job/evil", "/api/v1/pool", "/api/datasources"]) {
    const res = await viaNginx(path, { method: "POST", body: "x 1\n" });
    expect({ path, status: res.status }).toEqual({ path, status: path.startsWith("/metrics") ? 404 : 403 });
    await res.arrayBuffer();
  }
  expect(sentinels.map((s) => s.hits)).toEqual([0, 0, 0]);
}, 30_000);

test.skipIf(!haveNginx)("past the rate limit nginx answers 429 with Retry-After in the API's error shape", async () => {
  await Bun.sleep(2_500); // let the bucket refill after the tests above
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: 60 }, () => viaNginx("/health").then(async (r) => ({
    status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.text(),
  }))));
  const seconds = (performance.now() - started) / 1000;
  // nginx's own 429 is told apart by its body: the API behind it may have a per-IP limit of its own.
  const NGINX_429 = '{"error":{"code":"rate_limited","message":"too many requests"}}\n';
  const byNginx = answers.filter((a) => a.status === 429 && a.body === NGINX_429);
  const throughNginx = answers.length - byNginx.length;
  // A burst of 20 passes at once, then 10 a second (a loaded machine spreads the 60 requests out); the rest get 429.
  expect(throughNginx).toBeGreaterThanOrEqual(20);
  expect(throughNginx).toBeLessThanOrEqual(21 + Math.ceil(10 * seconds));
  expect(byNginx.length).toBeGreaterThan(0);
  expect(byNginx[0]!.retryAfter).toBe("1");
  // The health endpoint of nginx itself is outside the limit, for the container healthcheck.
  expect((await viaNginx("/nginx-health")).status).toBe(200);
}, 30_000);
