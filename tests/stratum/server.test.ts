// The stratum server over real TCP, against the real devnet through our NodeClient.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseJson } from "../../src/common/json.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { jobFromNotify, mine, minerAddress, nonceHex, startPool, TestClient, type Pool } from "./harness.ts";

const SHARE_DIFF = 2 ** -29; // one hash in 8 is a share
const NET_DIFF = 2 ** -20; // one hash in 4096 is a block
const BLOCK_TARGET = difficultyToTarget(NET_DIFF) / 2n; // safely under the compact-bits target
const D = JSON.stringify(SHARE_DIFF);

let pool: Pool;
let pplns: number;
let solo: number;
const clients: TestClient[] = [];

async function client(port = pplns): Promise<TestClient> {
  const c = await TestClient.connect(port);
  clients.push(c);
  return c;
}

/** subscribe + authorize, skipping to the first job. */
async function ready(agent: string, user: string, port = pplns) {
  const c = await client(port);
  await c.reply(c.send("mining.subscribe", [agent]));
  await c.reply(c.send("mining.authorize", [user, "x"]));
  let extranonce = "";
  for (;;) {
    const m = await c.message();
    if (m.method === "mining.set_extranonce") extranonce = m.params[0];
    if (m.method === "mining.notify") return { c, notify: m, extranonce };
  }
}

beforeAll(async () => {
  pool = await startPool({
    devnetDifficulty: NET_DIFF,
    bps: 1,
    stratum: {
      ports: [
        { port: 0, mode: "pplns", difficulty: SHARE_DIFF, vardiff: false, encoding: "auto" },
        { port: 0, mode: "solo", difficulty: SHARE_DIFF, vardiff: false, encoding: "auto" },
      ],
      maxLineBytes: 512,
    },
  });
  [pplns, solo] = pool.stratum.ports as [number, number];
});

afterAll(async () => {
  for (const c of clients) c.close();
  await pool?.stop();
});

describe("message sequences, byte for byte (spec §3.1–§3.5)", () => {
  test("lolMiner: subscribe, authorize, set_extranonce, set_difficulty, 4-word notify, submit", async () => {
    const c = await client();
    const user = `${minerAddress(1)}.rig1`;
    c.write('{"id":1,"method":"mining.subscribe","params":["lolMiner 1.72"]}\n');
    expect(await c.line()).toBe('{"id":1,"result":[true,"EthereumStratum/1.0.0"],"error":null}\n');
    c.write(`{"id": 500, "method": "mining.authorize", "params": ["${user}","x"]}\n`);
    expect(await c.line()).toBe('{"id":500,"result":true,"error":null}\n');
    const en = await c.line();
    expect(en).toMatch(/^\{"id":null,"jsonrpc":"2\.0","method":"mining\.set_extranonce","params":\["[0-9a-f]{4}"\]\}\n$/);
    expect(await c.line()).toBe(`{"id":null,"jsonrpc":"2.0","method":"mining.set_difficulty","params":[${D}]}\n`);
    const notify = await c.line();
    expect(notify).toMatch(/^\{"id":null,"jsonrpc":"2\.0","method":"mining\.notify","params":\["\d+",\[\d+,\d+,\d+,\d+\],\d+\]\}\n$/);

    const extranonce = JSON.parse(en).params[0] as string;
    const job = jobFromNotify(parseJson(notify) as Record<string, unknown>, "words");
    const before = pool.sink.shares.length;
    const nonce = mine(job, SHARE_DIFF, extranonce);
    c.write(`{"id":4,"method":"mining.submit","params":["${user}","${job.jobId}","${nonceHex(nonce)}"]}\n`);
    expect(await c.reply(4)).toEqual({ id: 4, result: true, error: null });
    const share = pool.sink.shares[before]!;
    expect(share).toMatchObject({ address: minerAddress(1), worker: "rig1", mode: "pplns", difficulty: SHARE_DIFF, nonce });
  });

  test("IceRiver: minimal notifications, big-header job, short nonce gets the extranonce", async () => {
    const c = await client();
    const user = `${minerAddress(2)}.ks0`;
    c.write('{"id":1,"method":"mining.subscribe","params":["IceRiverMiner-v1.1","EthereumStratum/1.0.0"]}\n');
    expect(await c.line()).toBe('{"id":1,"result":[true,"EthereumStratum/1.0.0"],"error":null}\n');
    c.write('{"id":2,"method":"mining.extranonce.subscribe","params":[]}\n');
    expect(await c.line()).toBe('{"id":2,"result":true,"error":null}\n');
    c.write(`{"id":3,"method":"mining.authorize","params":["${user}","x"]}\n`);
    expect(await c.line()).toBe('{"id":3,"result":true,"error":null}\n');
    const en = await c.line();
    expect(en).toMatch(/^\{"method":"mining\.set_extranonce","params":\["[0-9a-f]{4}"\]\}\n$/);
    expect(await c.line()).toBe(`{"method":"mining.set_difficulty","params":[${D}]}\n`);
    const notify = await c.line();
    expect(notify).toMatch(/^\{"method":"mining\.notify","params":\["\d+","[0-9a-f]{80}"\]\}\n$/);

    const extranonce = JSON.parse(en).params[0] as string;
    const job = jobFromNotify(JSON.parse(notify), "bigheader");
    const nonce = mine(job, SHARE_DIFF, extranonce);
    c.write(`{"id":4,"method":"mining.submit","params":["${user}","${job.jobId}","${nonceHex(nonce).slice(4)}"]}\n`);
    expect(await c.line()).toBe('{"id":4,"result":true,"error":null}\n');
  });

  test("Bitmain: [null, \"\", 8] subscribe result, no extranonce, 4-word job", async () => {
    const c = await client();
    const user = `${minerAddress(3)}.ks3`;
    c.write('{"id":1,"method":"mining.subscribe","params":["GodMiner/2.0.0"]}\n');
    expect(await c.line()).toBe('{"id":1,"result":[null,"",8],"error":null}\n');
    c.write(`{"id":2,"method":"mining.authorize","params":["${user}","x"]}\n`);
    expect(await c.line()).toBe('{"id":2,"result":true,"error":null}\n');
    expect(await c.line()).toBe(`{"id":null,"jsonrpc":"2.0","method":"mining.set_difficulty","params":[${D}]}\n`);
    const notify = await c.message();
    expect(notify.method).toBe("mining.notify");
    expect(notify.params).toHaveLength(3);
    const job = jobFromNotify(notify, "words");
    const nonce = mine(job, SHARE_DIFF, "", 5_000_000n);
    c.send("mining.submit", [user, job.jobId, nonceHex(nonce)], 3);
    expect(await c.line()).toBe('{"id":3,"result":true,"error":null}\n');
  });
});

describe("error replies; the connection stays usable", () => {
  test("malformed JSON and unknown methods get code 20, not a disconnect", async () => {
    const c = await client();
    c.write("this is not json\n");
    expect(await c.line()).toBe('{"id":null,"result":null,"error":[20,"Malformed JSON",null]}\n');
    c.write('{"id":9,"method":"mining.configure","params":[]}\n');
    expect(await c.line()).toBe('{"id":9,"result":null,"error":[20,"Unknown method mining.configure",null]}\n');
    c.write('{"id":10,"method":"mining.subscribe","params":["lolMiner 1.72"]}\n');
    expect(await c.line()).toBe('{"id":10,"result":[true,"EthereumStratum/1.0.0"],"error":null}\n');
  });

  test("24 for a submit before authorize", async () => {
    const c = await client();
    await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
    c.write('{"id":5,"method":"mining.submit","params":["x.y","1","0000000000000001"]}\n');
    expect(await c.line()).toBe('{"id":5,"result":null,"error":[24,"Unauthorized worker",null]}\n');
  });

  test("an invalid address is refused with a reason", async () => {
    const c = await client();
    await c.reply(c.send("mining.subscribe", ["lolMiner 1.72"]));
    const r = await c.reply(c.send("mining.authorize", ["kaspa:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqkx9awp4e.w", "x"]));
    expect(r.result).toBeNull();
    expect(r.error[0]).toBe(20);
    expect(r.error[1]).toStartWith("invalid address:");
  });

  test("21 unknown job, 20 bad nonce, 23 low difficulty, 22 duplicate", async () => {
    const { c, notify, extranonce } = await ready("lolMiner 1.72", `${minerAddress(4)}.w1`);
    const job = jobFromNotify(notify, "words");
    const user = `${minerAddress(4)}.w1`;
    const low = mine(job, SHARE_DIFF, extranonce, 0n, (p) => p >= difficultyToTarget(SHARE_DIFF));
    // lolMiner's ids are not searched on other jobs: an unknown id is "not found".
    expect((await c.reply(c.send("mining.submit", [user, "999999", nonceHex(low)]))).error).toEqual([21, "Job not found", null]);
    expect((await c.reply(c.send("mining.submit", [user, job.jobId, "xyz"]))).error[0]).toBe(20);
    expect((await c.reply(c.send("mining.submit", [user, job.jobId, nonceHex(low)]))).error).toEqual([23, "Invalid difficulty", null]);
    const good = mine(job, SHARE_DIFF, extranonce, 100n);
    expect((await c.reply(c.send("mining.submit", [user, job.jobId, nonceHex(good)]))).result).toBe(true);
    const dup = await c.reply(c.send("mining.submit", [`${minerAddress(4)}.other`, job.jobId, nonceHex(good)]));
    expect(dup.error).toEqual([22, "Duplicate share submitted", null]);
    // Another connection's extranonce in a full nonce: refused before it can count as anyone's share.
    const foreign = (BigInt("0x" + extranonce) ^ 1n).toString(16).padStart(4, "0") + nonceHex(good).slice(4);
    expect((await c.reply(c.send("mining.submit", [user, job.jobId, foreign]))).error[0]).toBe(20);
    // Every refusal reaches the sink for share history, under the logged-in worker.
    const refused = pool.sink.rejects.filter((r) => r.address === minerAddress(4));
    expect(refused.map((r) => r.reason)).toEqual(["job-not-found", "malformed", "low-difficulty", "duplicate", "malformed"]);
    expect(refused.every((r) => r.worker === "w1" && r.mode === "pplns")).toBe(true);
  });

  test("22 for the same share from another connection and another worker name", async () => {
    const a = await ready("GodMiner/2.0.0", `${minerAddress(5)}.a`);
    const b = await ready("GodMiner/2.0.0", `${minerAddress(6)}.b`);
    // b connected last, so its first job is the newest; a has it too, at once or after the throttle.
    const job = jobFromNotify(b.notify, "words");
    let aNotify = a.notify;
    while (aNotify.params[0] !== job.jobId) aNotify = await a.c.message();
    const nonce = mine(job, SHARE_DIFF, "", 7_000_000n);
    expect((await a.c.reply(a.c.send("mining.submit", ["x.one", job.jobId, nonceHex(nonce)]))).result).toBe(true);
    const again = await b.c.reply(b.c.send("mining.submit", ["y.two", job.jobId, nonceHex(nonce)]));
    expect(again.error).toEqual([22, "Duplicate share submitted", null]);
  });
  test("an over-long line gets an error and the connection is closed", async () => {
    const c = await client();
    c.write(`{"id":1,"method":"mining.subscribe","params":["${"x".repeat(600)}"]}\n`);
    expect(await c.line()).toBe('{"id":null,"result":null,"error":[20,"Line too long",null]}\n');
    expect(await c.closedByServer()).toBe(true);
  });
});

describe("blocks", () => {
  test("a share under the network target is submitted to the devnet and accepted", async () => {
    const { c, notify, extranonce } = await ready("lolMiner 1.72", `${minerAddress(8)}.finder`);
    const job = jobFromNotify(notify, "words");
    const nonce = mine(job, SHARE_DIFF, extranonce, 0n, (p) => p <= BLOCK_TARGET);
    const blocksBefore = pool.sink.blocks.length;
    expect((await c.reply(c.send("mining.submit", ["w", job.jobId, nonceHex(nonce)]))).result).toBe(true);
    const found = pool.sink.blocks.slice(blocksBefore);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ accepted: true, rejectReason: null, mode: "pplns", address: minerAddress(8), worker: "finder" });
    const onChain = pool.devnet.acceptedBlocks().find((b) => b.hash === found[0]!.hash);
    expect(onChain?.payAddress).toBe(pool.config.treasury.address);
    expect(pool.stratum.stats().blocks.accepted).toBeGreaterThanOrEqual(1);
  });

  test("solo: the block pays the miner's own address", async () => {
    const soloAddress = minerAddress(9);
    const { c, notify, extranonce } = await ready("lolMiner 1.72", `${soloAddress}.solo`, solo);
    const job = jobFromNotify(notify, "words");
    const nonce = mine(job, SHARE_DIFF, extranonce, 0n, (p) => p <= BLOCK_TARGET);
    expect((await c.reply(c.send("mining.submit", ["w", job.jobId, nonceHex(nonce)]))).result).toBe(true);
    const block = pool.sink.blocks.at(-1)!;
    expect(block).toMatchObject({ accepted: true, mode: "solo", address: soloAddress });
    expect(pool.devnet.acceptedBlocks().find((b) => b.hash === block.hash)?.payAddress).toBe(soloAddress);
  });
});

describe("stats", () => {
  test("workers, hashrate and reject reasons", () => {
    const s = pool.stratum.stats();
    expect(s.connections).toBeGreaterThan(0);
    expect(s.shares.accepted).toBeGreaterThanOrEqual(5);
    expect(s.shares.rejected.duplicate).toBeGreaterThanOrEqual(2);
    expect(s.shares.rejected["low-difficulty"]).toBeGreaterThanOrEqual(1);
    expect(s.shares.rejected.unauthorized).toBeGreaterThanOrEqual(1);
    expect(s.hashrate).toBeGreaterThan(0);
    const w = s.workers.find((x) => x.worker === "rig1");
    expect(w?.accepted).toBe(1);
    expect(w?.hashrate).toBeGreaterThan(0);
  });
});
