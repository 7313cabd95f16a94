// A port whose difficulty is far above the devnet's network difficulty, end to end: a CPU miner over TCP, the
// real accounting with a database. The difficulty is clamped to the network's, so the miner's shares are blocks;
// they are submitted, recorded, and after maturity credited to the miner. Embedded PGlite and Postgres.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults, DEVNET_POOL_ADDRESS } from "../../src/config/defaults.ts";
import { encodeAddress } from "../../src/kaspa/address.ts";
import { startMiner, type Miner } from "../../src/miner/index.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile } from "../db/backends.ts";
import { startAccountingStack, trackUntilSettled, untilBlocks } from "./stack.ts";

const CAROL = encodeAddress("kaspadev", 0, new Uint8Array(32).fill(0xc4));
const MATURITY = 5;
const WANTED_BLOCKS = 3;

const backends = await backendsForFile("poolabovenet");
const { dir: tmp } = scratch("abovenet");

for (const backend of backends) {
  describe(backend.name, () => {
    test("port difficulty 1 on a 2^-18 network: the CPU miner's blocks are submitted, recorded and credited", async () => {
      const stack = await startAccountingStack({
        backend,
        devnet: { bps: 20, difficulty: 2 ** -18, maturity: MATURITY, seed: 3 },
        config: {
          // 2^32 hashes a share without the clamp: a CPU miner would find nothing in this test's time.
          stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, mode: "pplns", difficulty: 1, vardiff: false }] },
          treasury: { fee: 1, address: DEVNET_POOL_ADDRESS, coinbaseMaturity: MATURITY },
        },
        spoolPath: join(tmp, `${backend.name}.spool`),
      });
      const { devnet, node, submitter, config, db, accounting } = stack;
      let miner: Miner | null = null;
      let stratum: Awaited<ReturnType<typeof startStratum>> | null = null;
      try {
        await node.waitConnected(3_000);
        stratum = await startStratum({ config, node, submitter, sink: accounting.sink, log: silentLogger });
        miner = await startMiner({ url: `stratum+tcp://127.0.0.1:${stratum.ports[0]}`, user: `${CAROL}.big` });

        await untilBlocks(db, WANTED_BLOCKS, 25_000);
        const stats = miner.stats();
        await miner.stop();
        miner = null;
        await stratum.stop();
        stratum = null;
        expect(stats.accepted).toBeGreaterThan(0);
        expect(stats.rejected).toBe(0);

        await trackUntilSettled(accounting, db);

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
        await stack.stop();
      }
    }, 60_000);
  });
}
