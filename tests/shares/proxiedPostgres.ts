// A throwaway Postgres database the test reaches through a TCP proxy it can cut, for recorder tests that need the
// database really unreachable for a while.

import { openDatabase, type Database } from "../../src/db/database.ts";
import type { ShareRecorder } from "../../src/shares/recorder.ts";
import { createPostgresDatabase } from "../db/backends.ts";
import { proxyPostgres, type TcpProxy } from "./tcpProxy.ts";

export interface ProxiedPostgres {
  /** Connected through the proxy. */
  db: Database;
  proxy: TcpProxy;
  /** Closes the connection, stops the proxy and drops the database. */
  close(): Promise<void>;
}

/** null (after createPostgresDatabase's message) when no Postgres answers. */
export async function openProxiedPostgres(prefix: string): Promise<ProxiedPostgres | null> {
  const backend = await createPostgresDatabase(prefix);
  if (!backend) return null;
  const { proxy, url } = proxyPostgres(backend.url!);
  const db = await openDatabase({ url, embeddedPath: "memory://" });
  return {
    db,
    proxy,
    async close() {
      await db.close();
      proxy.stop();
      await backend.drop();
    },
  };
}

/** Waits (10 s at most) for the recorder's spool to be replayed once the proxy is restored. */
export async function untilReplayed(rec: ShareRecorder): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (rec.isSpooling && Date.now() < deadline) await Bun.sleep(50);
}
