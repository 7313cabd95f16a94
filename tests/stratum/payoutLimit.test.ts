// pl= in the stratum password: the miner's own payout minimum reaches the share sink over TCP, in exact sompi, and
// in the database it raises (never lowers) the threshold the payer applies to that wallet.

import { afterAll, describe, expect, test } from "bun:test";
import { openDatabase } from "../../src/db/database.ts";
import { applyLedger } from "../../src/db/ledger.ts";
import { setPayoutThreshold, unpaidBalances } from "../../src/db/payments.ts";
import { duePayees } from "../../src/payouts/due.ts";
import { testBackends } from "../db/backends.ts";
import { minerAddress, startPool, TestClient } from "./harness.ts";

const backends = await testBackends("payoutlimit");
afterAll(async () => {
  for (const b of backends) await b.drop();
});

test("mining.authorize with pl=12.5 records 12.5 KAS for the address; without pl= nothing is recorded", async () => {
  const pool = await startPool({ devnetDifficulty: 1e6, stratum: { ports: [{ port: 0, mode: "pplns", difficulty: 1, vardiff: false, encoding: "auto" }] } });
  try {
    for (const [n, password] of [[1, "d=4,pl=12.5"], [2, "x"]] as const) {
      const c = await TestClient.connect(pool.stratum.ports[0]!);
      await c.reply(c.send("mining.subscribe", ["lolMiner 1.88"]));
      const auth = await c.reply(c.send("mining.authorize", [`${minerAddress(n)}.rig`, password]));
      expect(auth.result).toBe(true);
      c.close();
    }
    await Bun.sleep(50);
    expect([...pool.sink.payoutLimits]).toEqual([[minerAddress(1), 1_250_000_000n]]);
  } finally {
    await pool.stop();
  }
});

for (const backend of backends) {
  describe(backend.name, () => {
    test("a wallet's pl= raises its threshold above the pool's, and the latest login wins", async () => {
      const db = await openDatabase(backend);
      try {
        const [a, b] = [minerAddress(3), minerAddress(4)];
        await applyLedger(db, [a, b].map((wallet) => ({ wallet, minerId: "rig", amount: 1_500_000_000n, reason: "adjustment" as const, blockHash: null, paymentId: null, note: "test" })));
        await setPayoutThreshold(db, a, 2_000_000_000n);
        const due = async () => duePayees((await unpaidBalances(db)).filter((x) => x.wallet === a || x.wallet === b), 10, "pool");
        // 15 KAS each, pool threshold 10 KAS: b is due; a asked for 20 and waits.
        expect((await due()).map((d) => d.payee.address)).toEqual([b]);
        // A pl= under the pool's threshold cannot lower it, but the latest login replaces the old 20.
        await setPayoutThreshold(db, a, 100_000_000n);
        expect((await due()).map((d) => d.payee.address).sort()).toEqual([a, b].sort());
      } finally {
        await db.close();
      }
    });
  });
}
