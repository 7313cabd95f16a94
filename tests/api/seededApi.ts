// An API over real HTTP on a seeded database of one backend, with a fixed clock and network, for a describe block.

import { afterAll, beforeAll } from "bun:test";
import { startApi, type ApiServer } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config/load.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import type { BlockDagInfo } from "../../src/node/types.ts";
import type { TestBackend } from "../db/backends.ts";

export interface SeededApi {
  readonly db: Database;
  readonly base: string;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in once beforeAll has run. */
export function seededApi(backend: TestBackend, o: { now: number; dag: BlockDagInfo; seed(db: Database): Promise<void> }): SeededApi {
  const out = { db: null as unknown as Database, base: "" };
  let api: ApiServer | null = null;
  beforeAll(async () => {
    out.db = await openDatabase(backend);
    await o.seed(out.db);
    const config = loadConfig({ env: {} });
    config.api.port = 0;
    config.api.rateLimit = { requestsPerSecond: 1000, burst: 1000 };
    api = startApi({ db: out.db, config, dagInfo: async () => o.dag, clock: () => o.now });
    out.base = `http://127.0.0.1:${api.port}`;
  });
  afterAll(async () => {
    await api?.stop();
    await out.db.close();
  });
  return out;
}
