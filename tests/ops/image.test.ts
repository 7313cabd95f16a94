// The app image's files without a Docker engine: the Dockerfile's COPY lines replayed into a folder, its
// production install, and the pool started from that folder alone on its embedded database and a devnet. It
// shows the image holds everything the pool, the API and the dashboard load at run time, and no dev dependency.

import { expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { scratch } from "../common/scratch.ts";
import { spawnPool, writeDevnetConfig } from "../common/spawnPool.ts";

const tmp = scratch("image");
const app = join(tmp.dir, "app");

/** Each `COPY src… dest` of the build, as a copy into `root` (WORKDIR is the root; no multi-stage copies here). */
function replayCopies(dockerfile: string, root: string): string[] {
  const copied: string[] = [];
  for (const line of dockerfile.split("\n")) {
    const m = /^COPY\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[1]!.split(/\s+/);
    if (parts.some((p) => p.startsWith("--"))) throw new Error(`COPY with options is not replayed here: ${line}`);
    const dest = join(root, parts.pop()!);
    const into = parts.length > 1 || dest.endsWith("/");
    for (const src of parts) {
      const target = into ? join(dest, basename(src)) : dest;
      mkdirSync(into ? dest : join(target, ".."), { recursive: true });
      cpSync(src, target, { recursive: true });
      copied.push(src);
    }
  }
  return copied;
}

test("the image's files run the pool, its API and its dashboard", async () => {
  const copied = replayCopies(readFileSync("Dockerfile", "utf8"), app);
  expect(copied).toContain("package.json");
  expect(copied).toContain("src");

  const install = Bun.spawnSync(["bun", "install", "--frozen-lockfile", "--production"], { cwd: app, stdout: "pipe", stderr: "pipe" });
  expect({ status: install.exitCode, stderr: install.exitCode === 0 ? "" : install.stderr.toString() }).toEqual({ status: 0, stderr: "" });
  // What the image runs with, and not what only the tests use.
  expect(existsSync(join(app, "node_modules/uplot/dist/uPlot.iife.min.js"))).toBe(true);
  expect(existsSync(join(app, "node_modules/playwright-core"))).toBe(false);
  expect(existsSync(join(app, "tests"))).toBe(false);

  const configFile = writeDevnetConfig(tmp.dir, { stratum: { host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1 }] } });
  const pool = spawnPool(tmp, { configFile, databaseUrl: "", cwd: app });
  const apiPort = await pool.apiPort(60_000);
  const get = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`);
  for (let i = 0; i < 100 && (await get("/ready")).status !== 200; i++) await Bun.sleep(200);
  const answers = await Promise.all(["/ready", "/api/v1/pool", "/", "/assets/vendor/uPlot.iife.min.js", "/assets/hashrate.js"].map(async (path) => {
    const res = await get(path);
    return { path, status: res.status, type: res.headers.get("content-type")?.split(";")[0], size: (await res.text()).length > 0 };
  }));
  expect(answers).toEqual([
    { path: "/ready", status: 200, type: "application/json", size: true },
    { path: "/api/v1/pool", status: 200, type: "application/json", size: true },
    { path: "/", status: 200, type: "text/html", size: true },
    { path: "/assets/vendor/uPlot.iife.min.js", status: 200, type: "text/javascript", size: true },
    { path: "/assets/hashrate.js", status: 200, type: "text/javascript", size: true },
  ]);
  pool.proc.kill("SIGTERM");
  expect(await pool.proc.exited).toBe(0);
}, 180_000);
