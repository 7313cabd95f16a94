import { beforeEach, describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/common/log.ts";
import { difficultyToTarget } from "../../src/kaspa/target.ts";
import { StratumSession, type Work } from "../../src/miner/session.ts";

const USER = "kaspadev:qqtest.w1";
const PRE_POW = "853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed2";
const WORDS_JOB = (id: string) =>
  `{"id":null,"method":"mining.notify","params":["${id}",[2769687437080476293,2642455852654975590,16370749824715673019,15145064868898544117],1662696346]}`;

let sent: string[];
let works: Work[];
let targets: Array<[number, bigint]>;
let outcomes: string[];
let problems: string[];

function session(agent = "kaspool-cpuminer/0.1"): StratumSession {
  return new StratumSession(USER, agent, {
    send: (line) => sent.push(line),
    work: (w) => works.push({ ...w }),
    target: (key, target) => targets.push([key, target]),
    accepted: () => outcomes.push("accepted"),
    rejected: (reason) => outcomes.push(`rejected ${reason}`),
    problem: (m) => problems.push(m),
    refused: (reason) => outcomes.push(`refused ${reason}`),
  }, silentLogger);
}

beforeEach(() => {
  sent = [];
  works = [];
  targets = [];
  outcomes = [];
  problems = [];
});

describe("StratumSession", () => {
  test("subscribes with its agent, then authorizes", () => {
    session("lolMiner 1.72").start();
    expect(sent).toEqual([
      '{"id":1,"method":"mining.subscribe","params":["lolMiner 1.72"]}\n',
      `{"id":2,"method":"mining.authorize","params":["${USER}","x"]}\n`,
    ]);
  });

  test("a job before any set_difficulty is mined at difficulty 1", () => {
    const s = session();
    s.receive(WORDS_JOB("5"));
    expect(works).toHaveLength(1);
    expect(works[0]!.target).toBe(difficultyToTarget(1));
    expect(works[0]!.job.timestamp).toBe(1662696346n);
  });

  test("a harder difficulty tightens the current work, an easier one waits for the next job", () => {
    const s = session();
    s.receive('{"method":"mining.set_difficulty","params":[0.5]}');
    s.receive(WORDS_JOB("5"));
    expect(works[0]!.target).toBe(difficultyToTarget(0.5));
    s.receive('{"method":"mining.set_difficulty","params":[4]}');
    expect(targets).toEqual([[works[0]!.key, difficultyToTarget(4)]]);
    s.receive('{"method":"mining.set_difficulty","params":[1e-9]}');
    expect(targets).toHaveLength(1);
    s.receive(WORDS_JOB("6"));
    expect(works[1]!.target).toBe(difficultyToTarget(1e-9));
  });

  test("a new extranonce restarts the current job in the new nonce space", () => {
    const s = session();
    s.receive(WORDS_JOB("5"));
    s.receive('{"id":null,"method":"set_extranonce","params":["fbba",6]}');
    expect(works).toHaveLength(2);
    expect(works[1]!.job.jobId).toBe("5");
    expect(works[1]!.extranonce.prefix).toBe(0xfbba000000000000n);
    expect(works[1]!.key).not.toBe(works[0]!.key);
  });

  test("Bitmain takes its extranonce from the subscribe result", () => {
    const s = session("GodMiner/1.0");
    s.start();
    s.receive('{"id":1,"result":[null,"0a0b",6],"error":null}');
    s.receive(WORDS_JOB("5"));
    expect(works[0]!.extranonce.prefix).toBe(0x0a0b000000000000n);
  });

  test("big-header agents get big-header jobs; the other encoding is a reported problem", () => {
    const s = session("IceRiverMiner-v1.1");
    s.receive(`{"method":"mining.notify","params":["9","${PRE_POW}9abb1a6300000000"]}`);
    expect(works).toHaveLength(1);
    s.receive(WORDS_JOB("10"));
    expect(works).toHaveLength(1);
    expect(problems).toEqual(["expected an 80-hex big header job"]);
  });

  test("submits [user, jobId, 16-hex nonce] and counts replies", () => {
    const s = session();
    s.start();
    s.receive(WORDS_JOB("5"));
    s.submit(works[0]!.key, 0xfbba00000000beefn);
    s.submit(works[0]!.key, 2n);
    s.submit(works[0]!.key + 1000, 3n);
    expect(sent.slice(2)).toEqual([
      `{"id":3,"method":"mining.submit","params":["${USER}","5","fbba00000000beef"]}\n`,
      `{"id":4,"method":"mining.submit","params":["${USER}","5","0000000000000002"]}\n`,
    ]);
    s.receive('{"id":3,"result":true,"error":null}');
    s.receive('{"id":4,"result":null,"error":[23,"Invalid difficulty",null]}');
    s.receive('{"id":4,"result":true,"error":null}');
    expect(outcomes).toEqual(["accepted", "rejected 23 Invalid difficulty"]);
  });

  test("a refused authorize and garbage lines are reported, not thrown", () => {
    const s = session();
    s.start();
    s.receive('{"id":2,"result":false,"error":[24,"Unauthorized worker",null]}');
    s.receive("not json");
    s.receive('{"id":7,"method":"client.reconnect","params":[]}');
    expect(outcomes).toEqual(["refused authorize refused: 24 Unauthorized worker"]);
    expect(problems).toEqual(["pool sent a line that is not JSON"]);
  });
});
