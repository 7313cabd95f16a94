// A port whose difficulty is far above the devnet's network difficulty, end to end: a CPU miner over TCP, the
// real accounting with a database. The difficulty is clamped to the network's, so the miner's shares are blocks;
// they are submitted, recorded, and after maturity credited to the miner. Embedded PGlite and Postgres.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { configSchema } from "../../src/config/schema.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { startPoolAccounting } from "../../src/pool/index.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { testBackends } from "../db/backends.ts";

const CAROL = encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0xc4));
const MATURITY = 5;
const WANTED_BLOCKS = 3;

const backends = await testBackends("poolabovenet");
const tmp = mkdtempSync(join(tmpdir(), "kaspool-abovenet-"));
afterAll(async () => {
  for (const b of backends) await b.drop();
  rmSync(tmp, { recursive: true, force: true });
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("port difficulty 1 on a 2^-18 network: the CPU miner's blocks are submitted, recorded and credited", async () => {
      const devnet = await startDevnet({ port: 0, bps: 20, difficulty: 2 ** -18, maturity: MATURITY, seed: 3, log: silentLogger });
      const node = new NodeClient({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000 });
      const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger, requestTimeoutMs: 3_000 });
      submitter.start();
      node.start();
      const config = configSchema.parse({
        ...defaults,
        node: { urls: [devnet.url], requestTimeoutMs: 3_000 },
        // 2^32 hashes a share without the clamp: a CPU miner would find nothing in this test's time.
        stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1, vardiff: false }] },
        treasury: { fee: 1, address: DEVNET_POOL_ADDRESS, coinbaseMaturity: MATURITY },
      });
      const db = await openDatabase(backend);
      const accounting = await startPoolAccounting({
        db, node, config, log: silentLogger, spoolPath: join(tmp, `${backend.name}.spool`), pollMs: 100,
      });
      let miner: Miner | null = null;
      let stratum: Awaited<ReturnType<typeof startStratum>> | null = null;
      try {
        await node.waitConnected(3_000);
        stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger });
        miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${stratum.ports[0]}`, user: `${CAROL}.big` });

        const countBlocks = async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM blocks"))[0]!.n);
        const deadline = Date.now() + 25_000;
        while ((await countBlocks()) < WANTED_BLOCKS && Date.now() < deadline) await Bun.sleep(200);
        const stats = miner.stats();
        await miner.stop();
        miner = null;
        await stratum.stop();
        stratum = null;
        expect(stats.accepted).toBeGreaterThan(0);
        expect(stats.rejected).toBe(0);

        const settle = Date.now() + 15_000;
        for (;;) {
          await accounting.trackNow();
          const open = await db.query("SELECT 1 FROM blocks WHERE status IN ('confirming', 'matured')");
          if (open.length === 0 || Date.now() > settle) break;
          await Bun.sleep(100);
        }

        const truth = new Map(devnet.acceptedBlocks().map((b) => [b.hash, b]));
        const blocks = await db.query<{ hash: string; status: string; finder_worker: string; reward: string }>(
          "SELECT hash, status, finder_worker, reward::text AS reward FROM blocks");
        expect(blocks.length).toBeGreaterThanOrEqual(WANTED_BLOCKS);
        for (const b of blocks) {
          expect(truth.has(b.hash)).toBe(true);
          expect(b).toMatchObject({ status: "credited", finder_worker: "big", reward: truth.get(b.hash)!.reward.toString() });
        }
        const shares = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares WHERE worker = 'big'");
        expect(Number(shares[0]!.n)).toBeGreaterThanOrEqual(blocks.length);
        const balance = await db.query<{ balance: string }>("SELECT balance::text AS balance FROM miners_balance WHERE wallet = $1", [CAROL]);
        expect(BigInt(balance[0]?.balance ?? "0")).toBeGreaterThan(0n);
      } finally {
        await miner?.stop();
        await stratum?.stop();
        await accounting.stop();
        await submitter.close();
        await node.close();
        await devnet.stop();
        await db.close();
      }
    }, 60_000);
  });
}
