// Serves an HTTP app on api.host:api.port with Bun.serve: the pool's API (startApi), or the proxy's.

import type { Hono } from "hono";
import type { Config } from "../config/types.ts";
import { createApi, type ApiOptions } from "./app.ts";

export interface ApiServer {
  /** The port bound: api.port, or the one the system gave for a configured 0. */
  readonly port: number;
  stop(): Promise<void>;
}

/** `build` gets the client IP of a request as Bun's server sees it, for the rate limit. */
export function serveApi(api: Config["api"], build: (clientIp: (req: Request) => string | null) => { app: Hono; close?(): void }): ApiServer {
  let server: ReturnType<typeof Bun.serve> | null = null;
  const built = build((req) => server?.requestIP(req)?.address ?? null);
  // Server-sent event streams stay open: no idle timeout, the stream ends when the client goes.
  server = Bun.serve({ hostname: api.host, port: api.port, fetch: built.app.fetch, idleTimeout: 0 });
  return {
    port: server.port!,
    async stop() {
      built.close?.();
      await server!.stop(true);
    },
  };
}

export function startApi(opts: Omit<ApiOptions, "clientIp">): ApiServer {
  return serveApi(opts.config.api, (clientIp) => createApi({ ...opts, clientIp }));
}
