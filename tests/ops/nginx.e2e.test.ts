// A real nginx with the repository's nginx.conf (compose host names swapped for loopback ports) in front of a real
// pool (`index.ts --devnet` as its own process, with API_TRUST_PROXY=1 as compose sets it): every routed path
// answers exactly what the pool's API answers, the API's per-IP limit sees each client behind nginx and cannot be
// dodged with a forged X-Forwarded-For, nginx's own limit answers 429, and /metrics, Prometheus, the Pushgateway and
// Grafana are out of reach, whatever path is tried. Requests leave from their own loopback addresses (127.0.1.x):
// to nginx, and so to the API, each address is a different client.

import { beforeAll, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { freePort } from "../common/ports.ts";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";
import { hasTool } from "./tools.ts";
import { writeNginxCopy } from "./nginxConf.ts";

const haveNginx = hasTool("nginx") && process.getuid?.() === 0;
if (hasTool("nginx") && !haveNginx) console.warn("SKIP the real-nginx test: it runs nginx as root with a private prefix");
const files = scratch("nginx");
const dir = files.dir;
chmodSync(dir, 0o755);
// The API's own limit, small so the test reaches it: 5 at once, then one every 5 s.
const API_BURST = 5;
const API_PER_SECOND = 0.2;
let nginxPort = 0;
let apiPort = 0;
/** Stand-ins for Prometheus, the Pushgateway and Grafana: any request that reaches one is counted. */
const sentinels: Array<{ name: string; hits: number; server: ReturnType<typeof Bun.serve> }> = [];

beforeAll(async () => {
  if (!haveNginx) return;
  const configFile = writeDevnetConfig(dir, {
    stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 / 65536 }] },
    api: { host: "127.0.0.1", port: 0, rateLimit: { requestsPerSecond: API_PER_SECOND, burst: API_BURST } },
  });
  const pool = spawnPool(files, { configFile, databaseUrl: "", env: { LOG_FORMAT: "text", API_TRUST_PROXY: "1" } });
  // The API binds a free port itself and names it: only nginx's port must be probed.
  apiPort = await pool.apiPort(60_000);

  const upstreams: Record<string, string> = { "kaspool-app:8080": `127.0.0.1:${apiPort}` };
  for (const [name, host] of [["prometheus", "prometheus:9090"], ["pushgateway", "pushgateway:9091"], ["grafana", "grafana:3000"]] as const) {
    const sentinel = { name, hits: 0, server: null as unknown as ReturnType<typeof Bun.serve> };
    sentinel.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (sentinel.hits++, new Response(`SENTINEL ${name}`)) });
    files.defer(() => sentinel.server.stop(true));
    sentinels.push(sentinel);
    upstreams[host] = `127.0.0.1:${sentinel.server.port}`;
  }
  // nginx cannot say which port it bound, so its port is probed; a lost race is retried with another.
  for (let attempt = 1; attempt <= 3; attempt++) {
    nginxPort = freePort();
    const file = writeNginxCopy({ dir, listenPort: nginxPort, upstreams, required: ["kaspool-app:8080"] });
    const nginx = files.child(Bun.spawn(["nginx", "-p", dir, "-c", file, "-e", join(dir, "startup.log"), "-g", "daemon off;"], { stdout: "ignore", stderr: "pipe" }));
    let exited = false;
    void nginx.exited.then(() => (exited = true));
    while (!exited) {
      if (await fetch(`http://127.0.0.1:${nginxPort}/nginx-health`).then((r) => r.ok, () => false)) return;
      await Bun.sleep(100);
    }
  }
  throw new Error(`nginx did not start: ${await Bun.file(join(dir, "error.log")).text().catch(() => "")}`);
}, 90_000);

interface Answer {
  status: number;
  type: string | null;
  retryAfter: string | null;
  text: string;
}

let clients = 0;
/** A loopback address no request used before: a new client to nginx's limit and, through it, to the API's. */
const newClient = () => (++clients, `127.0.${1 + (clients >> 8)}.${clients & 255}`);

/** One HTTP request from the loopback address `from` (node:http, since fetch cannot choose its source address). */
function send(port: number, path: string, o: { from: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: o.method ?? "GET", headers: o.headers, localAddress: o.from, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({
        status: res.statusCode!, type: res.headers["content-type"] ?? null, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null, text,
      }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${path}`)));
    req.on("error", reject);
    req.end(o.body);
  });
}
const viaNginx = (path: string, o: Partial<Parameters<typeof send>[2]> = {}) => send(nginxPort, path, { from: newClient(), ...o });
/** The API asked directly, as a client of its own (API_TRUST_PROXY=1 takes the header's address). */
const direct = (path: string, method = "GET") => send(apiPort, path, { from: "127.0.0.1", method, headers: { "X-Forwarded-For": newClient() } });

const NGINX_429 = '{"error":{"code":"rate_limited","message":"too many requests"}}\n';
const isApi429 = (a: Answer) => a.status === 429 && a.text !== NGINX_429 && JSON.parse(a.text).error.code === "rate_limited";
/** An answer as compared: status, type, and the body (parsed when JSON). */
const shape = (a: Answer) => ({ status: a.status, type: a.type, body: a.type?.includes("json") ? JSON.parse(a.text) : a.text });

test.skipIf(!haveNginx)("every API and dashboard path answers through nginx exactly what the API answers", async () => {
  const paths = ["/health", "/ready", "/config", "/balance", `/balance/${DEVNET_POOL_ADDRESS}`, "/total/", `/total/${DEVNET_POOL_ADDRESS}`,
    "/api/v1/pool", "/api/v1/pool/blocks", "/api/v1/pool/payments", "/api/v1/pool/miners", "/api/v1/pool/hashrate?bucket=1h",
    `/api/v1/miners/${DEVNET_POOL_ADDRESS}`, `/api/v1/miners/${DEVNET_POOL_ADDRESS}/workers`, "/api/v1/miners/kaspadev:qr0",
    "/api/v1/pool/hashrate?bucket=2m", "/api/v1/no-such-endpoint", "/"];
  for (const path of paths) {
    // A figure may move between two asks (a background refresh): nginx's answer must be the API's before or after.
    const before = shape(await direct(path));
    const through = shape(await viaNginx(path));
    const after = shape(await direct(path));
    expect({ path, through }).toEqual({ path, through: JSON.stringify(through) === JSON.stringify(after) ? after : before });
  }
  const statuses = (await Promise.all(paths.map((p) => direct(p)))).map((a) => a.status);
  expect(statuses).toContain(200);
  expect(statuses).toContain(400);
  expect(statuses).toContain(404);

  // CORS preflights and HEAD reach the API, which decides on them.
  for (const method of ["OPTIONS", "HEAD"]) {
    const through = await viaNginx("/api/v1/pool", { method, headers: { Origin: "https://example.com", "Access-Control-Request-Method": "GET" } });
    expect({ method, status: through.status }).toEqual({ method, status: (await direct("/api/v1/pool", method)).status });
  }
  // Server-sent events pass unbuffered: the stream's first bytes arrive while it stays open.
  const events = await new Promise<{ status: number; type: string | null; first: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: nginxPort, path: "/api/v1/events", localAddress: newClient(), agent: false }, (res) => {
      res.setEncoding("utf8");
      res.once("data", (chunk: string) => {
        resolve({ status: res.statusCode!, type: res.headers["content-type"] ?? null, first: chunk });
        req.destroy();
      });
    });
    req.setTimeout(20_000, () => req.destroy(new Error("no event through nginx")));
    req.on("error", reject);
    req.end();
  });
  expect(events.status).toBe(200);
  expect(events.type).toStartWith("text/event-stream");
  expect(events.first.length).toBeGreaterThan(0);
  expect(sentinels.map((s) => s.hits)).toEqual([0, 0, 0]);
}, 60_000);

test.skipIf(!haveNginx)("behind nginx the API limits each client by its own address, and a forged X-Forwarded-For changes nothing", async () => {
  const a = newClient();
  const answers: Answer[] = [];
  const started = performance.now();
  // One at a time: far below nginx's 10/s with bursts of 20, so only the API's own limit can answer 429.
  while (answers.length < API_BURST + 5 && !answers.some(isApi429)) answers.push(await send(nginxPort, "/health", { from: a }));
  const seconds = (performance.now() - started) / 1000;
  const passed = answers.filter((x) => x.status === 200).length;
  expect(answers.at(-1)!.status).toBe(429);
  expect(isApi429(answers.at(-1)!)).toBe(true);
  expect(answers.at(-1)!.text).toContain(`at most ${API_PER_SECOND}/s per IP`);
  expect(passed).toBeGreaterThanOrEqual(API_BURST);
  expect(passed).toBeLessThanOrEqual(API_BURST + Math.ceil(seconds * API_PER_SECOND));

  // The client's own X-Forwarded-For, however it is written, does not buy it a fresh bucket.
  for (const forged of ["203.0.113.50", "203.0.113.51, 198.51.100.1", a.replace(/\d+$/, "250")]) {
    const again = await send(nginxPort, "/health", { from: a, headers: { "X-Forwarded-For": forged, "X-Real-IP": forged } });
    expect({ forged, api429: isApi429(again) }).toEqual({ forged, api429: true });
  }
  // Another client behind the same nginx is served: the API does not see every request as nginx's.
  expect((await send(nginxPort, "/health", { from: newClient() })).status).toBe(200);
}, 60_000);

test.skipIf(!haveNginx)("/metrics, Prometheus, the Pushgateway and Grafana are not reachable through nginx", async () => {
  for (const path of ["/metrics", "/metrics/job/mining_metrics", "/metrics?x=1"]) {
    const res = await viaNginx(path);
    expect({ path, status: res.status, body: JSON.parse(res.text) }).toEqual({ path, status: 404, body: { error: { code: "not_found", message: "not found" } } });
  }
  // The API itself serves /metrics (Prometheus scrapes it inside the compose network).
  expect((await direct("/metrics")).status).toBe(200);
  const probes = ["/-/healthy", "/-/ready", "/graph", "/api/v1/query?query=up", "/api/v1/targets", "/prometheus/", "/pushgateway/",
    "/api/health", "/login", "/grafana/", "/api/admin/settings", "/api/datasources", "/d/kaspool"];
  for (const path of probes) {
    const res = await viaNginx(path);
    expect({ path, sentinel: res.text.includes("SENTINEL") }).toEqual({ path, sentinel: false });
  }
  // Writes never pass: the API is read-only, and the Pushgateway's push endpoint is closed above.
  for (const path of ["/metrics/job/evil", "/api/v1/pool", "/api/datasources"]) {
    const res = await viaNginx(path, { method: "POST", body: "x 1\n" });
    expect({ path, status: res.status }).toEqual({ path, status: path.startsWith("/metrics") ? 404 : 403 });
  }
  expect(sentinels.map((s) => s.hits)).toEqual([0, 0, 0]);
}, 60_000);

test.skipIf(!haveNginx)("past nginx's own rate limit it answers 429 with Retry-After in the API's error shape", async () => {
  const from = newClient();
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: 60 }, () => send(nginxPort, "/health", { from })));
  const seconds = (performance.now() - started) / 1000;
  // nginx's own 429 is told apart by its body: the API behind it limits per IP too (5 at once here).
  const byNginx = answers.filter((a) => a.status === 429 && a.text === NGINX_429);
  const throughNginx = answers.length - byNginx.length;
  // A burst of 20 passes at once, then 10 a second (a loaded machine spreads the 60 requests out); the rest get 429.
  expect(throughNginx).toBeGreaterThanOrEqual(20);
  expect(throughNginx).toBeLessThanOrEqual(21 + Math.ceil(10 * seconds));
  expect(byNginx.length).toBeGreaterThan(0);
  expect(byNginx[0]!.retryAfter).toBe("1");
  // Another client is not held back by this one.
  expect((await viaNginx("/health")).status).toBe(200);
  // The health endpoint of nginx itself is outside the limit, for the container healthcheck.
  expect((await send(nginxPort, "/nginx-health", { from })).status).toBe(200);
}, 60_000);
