// Pushes the registry to a Prometheus Pushgateway, as the kaspool seed did (job `mining_metrics`), grouped by
// instance so several pools can share one gateway. Runs on its own timer: a slow or absent gateway delays only
// the next push, and is logged once per outage.

import type { Registry } from "prom-client";
import type { Logger } from "../common/log.ts";

const PUSH_JOB = "mining_metrics";
/** A push or delete that takes longer is abandoned; the next interval tries again. */
const PUSH_TIMEOUT_MS = 10_000;

export interface PushOptions {
  url: string;
  registry: Registry;
  intervalMs: number;
  instance: string;
  log: Logger;
}

export interface Pusher {
  /** Stops pushing and deletes the group, so a pool that stopped cleanly does not look alive. */
  stop(): Promise<void>;
}

export function groupUrl(url: string, instance: string): string {
  return `${url.replace(/\/+$/, "")}/metrics/job/${PUSH_JOB}/instance/${encodeURIComponent(instance)}`;
}

export function startPushing(o: PushOptions): Pusher {
  const target = groupUrl(o.url, o.instance);
  // The URL may carry basic-auth credentials: log only where it points.
  const where = safeUrl(o.url);
  let failing = false;
  let inFlight: Promise<void> | null = null;

  const push = async () => {
    try {
      const body = await o.registry.metrics();
      // POST replaces only the metric names it carries (the seed's pushAdd).
      const res = await fetch(target, {
        method: "POST", body, headers: { "content-type": o.registry.contentType }, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (failing) o.log.info("pushgateway reachable again", { url: where });
      failing = false;
    } catch (e) {
      if (!failing) o.log.warn("metrics push failed; retrying every interval", { url: where, error: e instanceof Error ? e.message : String(e) });
      failing = true;
    }
  };
  const tick = () => {
    if (!inFlight) inFlight = push().finally(() => (inFlight = null));
  };
  const timer = setInterval(tick, o.intervalMs);
  tick();

  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      try {
        const res = await fetch(target, { method: "DELETE", signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (e) {
        o.log.warn("could not delete the pushed metrics group", { url: where, error: e instanceof Error ? e.message : String(e) });
      }
    },
  };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}
