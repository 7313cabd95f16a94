import { describe, expect, test } from "bun:test";
import { parseJson, stringifyJson } from "../../src/common/json.ts";
import { bigHeaderJob, jobWords } from "../../src/kaspa/jobEncoding.ts";
import { bytesToHex } from "../../src/common/hex.ts";
import { decodeJobParams } from "../../src/miner/jobParams.ts";
import { minerProfile } from "../../src/miner/agent.ts";

// Spec §2.6: the onemorebsmith bridge's example header.
const PRE_POW = "853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed2";
const WORDS_LINE =
  '["42",[2769687437080476293,2642455852654975590,16370749824715673019,15145064868898544117],1662696346]';

describe("decodeJobParams", () => {
  test("4-word jobs keep u64 words above 2^53 exact", () => {
    const job = decodeJobParams(parseJson(WORDS_LINE), "words");
    expect(job.jobId).toBe("42");
    expect(bytesToHex(job.prePowHash)).toBe(PRE_POW);
    expect(job.timestamp).toBe(1662696346n);
  });

  test("80-hex big header jobs", () => {
    const job = decodeJobParams([7, PRE_POW + "9abb1a6300000000"], "bigheader");
    expect(job.jobId).toBe(7);
    expect(bytesToHex(job.prePowHash)).toBe(PRE_POW);
    expect(job.timestamp).toBe(1662696346n);
  });

  test("the wire log's lolMiner job decodes", () => {
    const line =
      '["350724",[7211280287401868441,16494456541454081082,2382655150393541020,7381781733132719467],1681123755681]';
    const job = decodeJobParams(parseJson(line), "words");
    expect(job.timestamp).toBe(1681123755681n);
    expect(new DataView(job.prePowHash.buffer).getBigUint64(8, true)).toBe(16494456541454081082n);
  });

  test("the encoding the agent does not expect is refused", () => {
    expect(() => decodeJobParams([7, PRE_POW + "9abb1a6300000000"], "words")).toThrow("4 u64 words");
    expect(() => decodeJobParams(parseJson(WORDS_LINE), "bigheader")).toThrow("80-hex");
  });

  test("malformed params get a clear error", () => {
    expect(() => decodeJobParams({}, "words")).toThrow("not an array");
    expect(() => decodeJobParams([null, [1, 2, 3, 4], 5], "words")).toThrow("job id");
    expect(() => decodeJobParams(["1", [1, 2, 3, 1.5e19], 5], "words")).toThrow("job word 3 is not an integer");
    expect(() => decodeJobParams(["1", [1, 2, 3, -1], 5], "words")).toThrow("u64 range");
    expect(() => decodeJobParams(["1", [1, 2, 3, 1n << 64n], 5], "words")).toThrow("u64 range");
    expect(() => decodeJobParams(["1", [1, 2, 3, 4], "5"], "words")).toThrow("timestamp");
    expect(() => decodeJobParams(["1", "zz".repeat(40)], "bigheader")).toThrow("80-hex");
  });
});

describe("minerProfile", () => {
  test.each([
    ["IceRiverMiner-v1.1", "bigheader", false],
    ["BzMiner-v11.1.0", "bigheader", false],
    ["Goldshell-KA-BOX", "bigheader", false],
    ["GodMiner/1.0", "words", true],
    ["Antminer KS3", "words", true],
    ["lolMiner 1.72", "words", false],
    ["kaspool-cpuminer/0.1", "words", false],
  ] as const)("%s", (agent, encoding, bitmain) => {
    expect(minerProfile(agent)).toEqual({ encoding, bitmain });
  });
});

describe("round trip with the pool's encoders (src/kaspa/jobEncoding.ts)", () => {
  test("random pre-PoW hashes and timestamps survive both encodings", () => {
    for (let i = 0; i < 50; i++) {
      const prePowHash = crypto.getRandomValues(new Uint8Array(32));
      const timestamp = BigInt(Date.now() + i * 1_000_003);
      const words = parseJson(stringifyJson(["1", jobWords(prePowHash), timestamp]));
      const big = parseJson(stringifyJson(["2", bigHeaderJob(prePowHash, timestamp)]));
      for (const job of [decodeJobParams(words, "words"), decodeJobParams(big, "bigheader")]) {
        expect(job.prePowHash).toEqual(prePowHash);
        expect(job.timestamp).toBe(timestamp);
      }
    }
  });
});
