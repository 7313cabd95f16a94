// Pushes to a gateway over real HTTP: the group URL, one log line per outage (not one per failed push), the
// password in the URL never logged, and the group deleted on stop.

import { expect, test } from "bun:test";
import { Counter, Registry } from "prom-client";
import type { Logger } from "../../src/common/log.ts";
import { startPushing } from "../../src/metrics/index.ts";
import { until } from "../node/scriptedNode.ts";

function recordingLogger(lines: string[]): Logger {
  const log: Logger = {
    debug: () => {}, info: (m, f) => lines.push(`info ${m} ${JSON.stringify(f)}`), warn: (m, f) => lines.push(`warn ${m} ${JSON.stringify(f)}`),
    error: (m, f) => lines.push(`error ${m} ${JSON.stringify(f)}`), child: () => log,
  };
  return log;
}

test("a gateway outage is logged once, its end once, and stop deletes the group", async () => {
  const registry = new Registry();
  new Counter({ name: "kaspool_test_total", help: "test", registers: [registry] }).inc(3);
  const seen: Array<{ method: string; path: string; body: string }> = [];
  let up = false;
  let refused = 0;
  const gateway = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    async fetch(req) {
      if (!up) return refused++, new Response("down", { status: 503 });
      seen.push({ method: req.method, path: new URL(req.url).pathname, body: await req.text() });
      return new Response(null, { status: 200 });
    },
  });
  const lines: string[] = [];
  const pusher = startPushing({
    url: `http://user:hunter2@127.0.0.1:${gateway.port}/`, registry, intervalMs: 100, instance: "pool a", log: recordingLogger(lines),
  });
  try {
    // Counted pushes, not a fixed sleep: a loaded machine may get fewer than the interval promises.
    await until(() => refused >= 3, 10_000, "three refused pushes");
    expect(lines.filter((l) => l.startsWith("warn"))).toHaveLength(1);
    up = true;
    await until(() => seen.length >= 2, 10_000, "two accepted pushes");
    expect(lines.filter((l) => l.startsWith("info"))).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", path: "/metrics/job/mining_metrics/instance/pool%20a" });
    expect(seen[0]!.body).toContain("kaspool_test_total 3");
  } finally {
    await pusher.stop();
    gateway.stop(true);
  }
  expect(seen.at(-1)).toMatchObject({ method: "DELETE", path: "/metrics/job/mining_metrics/instance/pool%20a" });
  expect(lines.join("\n")).not.toContain("hunter2");
});
