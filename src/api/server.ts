// Serves the API on api.host:api.port with Bun.serve.

import { createApi, type ApiOptions } from "./app.ts";

export interface ApiServer {
  readonly port: number;
  stop(): Promise<void>;
}

export function startApi(opts: Omit<ApiOptions, "clientIp">): ApiServer {
  let server: ReturnType<typeof Bun.serve> | null = null;
  const api = createApi({ ...opts, clientIp: (req) => server?.requestIP(req)?.address ?? null });
  // Server-sent event streams stay open: no idle timeout, the stream ends when the client goes.
  server = Bun.serve({ hostname: opts.config.api.host, port: opts.config.api.port, fetch: api.app.fetch, idleTimeout: 0 });
  return {
    port: server.port!,
    async stop() {
      api.close();
      await server!.stop(true);
    },
  };
}
