// Stale work over real TCP: the devnet stops (a node outage) and an injected clock moves past
// stratum.staleJobSeconds, so the test does not sleep. A share on the old job is then refused with 21, the pool
// logs the outage once (not per share), and nothing reaches the shares table: no PPLNS credit for dead work.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { silentLogger, type Logger } from "../../src/common/log.ts";
import { openDatabase } from "../../src/db/database.ts";
import { startDevnet } from "../../src/devnet/index.ts";
import { BlockSubmitter } from "../../src/node/blockSubmitter.ts";
import { NodeClient } from "../../src/node/client.ts";
import { ShareRecorder } from "../../src/shares/recorder.ts";
import { startStratum } from "../../src/stratum/index.ts";
import { scratch } from "../common/scratch.ts";
import { backendsForFile } from "../db/backends.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, TestClient, testConfig } from "./harness.ts";

const SHARE_DIFF = 2 ** -29;
const STALE_SECONDS = 30;

const backends = await backendsForFile("stalejob");
const { dir: tmp } = scratch("stale");

function recordingLogger(lines: string[]): Logger {
  const log: Logger = {
    debug() {}, info: (m) => void lines.push(`info ${m}`), warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`), child: () => log,
  };
  return log;
}

for (const backend of backends) {
  describe(backend.name, () => {
    test("after staleJobSeconds without a new template, a share on the old job gets 21 and stores nothing", async () => {
      const devnet = await startDevnet({ port: 0, difficulty: 1e6, bps: 2 });
      const node = new NodeClient({ urls: [devnet.url], log: silentLogger });
      const submitter = new BlockSubmitter({ urls: [devnet.url], log: silentLogger });
      submitter.start();
      node.start();
      await node.waitConnected(5_000);
      const db = await openDatabase(backend);
      const sink = await ShareRecorder.start({ db, spoolPath: join(tmp, `${backend.name}.spool`), persistBlock: async () => {} });
      const config = testConfig(devnet.url, {
        ports: [{ port: 0, mode: "pplns", difficulty: SHARE_DIFF, vardiff: false, encoding: "words" }],
        staleJobSeconds: STALE_SECONDS,
      });
      let skew = 0;
      const lines: string[] = [];
      const stratum = await startStratum({ config, node, submitter, sink, log: recordingLogger(lines), clock: () => Date.now() + skew });
      const c = await TestClient.connect(stratum.ports[0]!);
      try {
        await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
        const user = `${minerAddress(7)}.rig`;
        await c.reply(c.send("mining.authorize", [user, "x"]));
        let extranonce = "";
        let notify: Record<string, any>;
        for (;;) {
          const m = await c.message();
          if (m.method === "mining.set_extranonce") extranonce = m.params[0];
          if (m.method === "mining.notify") { notify = m; break; }
        }
        const job = jobFromNotify(notify, "words");
        const submit = (from: bigint) => {
          const nonce = mine(job, SHARE_DIFF, extranonce, from);
          return { nonce, id: c.send("mining.submit", [user, String(job.jobId), nonceHex(nonce)]) };
        };
        const count = async () => Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM shares"))[0]!.n);

        // Fresh work earns.
        const first = submit(0n);
        expect(await c.reply(first.id)).toMatchObject({ result: true, error: null });
        expect(await count()).toBe(1);

        // The node goes away; the clock moves a minute on with no new template.
        await devnet.stop();
        skew = 60_000;
        const stale: string[] = [];
        let from = first.nonce + 1n;
        for (let i = 0; i < 3; i++) {
          const s = submit(from);
          from = s.nonce + 1n;
          const reply = await c.reply(s.id);
          expect(reply.result).toBeNull();
          expect(reply.error[0]).toBe(21);
          stale.push(reply.error[1]);
        }
        expect(stale[0]).toMatch(/node unavailable/i);
        expect(await count()).toBe(1);
        expect(lines.filter((l) => /no new block template/i.test(l))).toHaveLength(1);
        // The connection stays: miners wait for the node instead of reconnecting in a loop.
        expect(c.closed).toBe(false);
      } finally {
        c.close();
        await stratum.stop();
        await sink.stop();
        await submitter.close();
        await node.close();
        await devnet.stop();
        await db.close();
      }
    }, 60_000);
  });
}
