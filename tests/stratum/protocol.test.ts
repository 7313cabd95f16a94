import { describe, expect, test } from "bun:test";
import { errors } from "../../src/stratum/errors.ts";
import { classifyMiner } from "../../src/stratum/minerType.ts";
import {
  errorLine, MalformedRequest, notificationLine, notifyParams, parseRequest, resultLine, setExtranonceParams, subscribeResult,
} from "../../src/stratum/protocol.ts";

const lolMiner = classifyMiner("lolMiner 1.72", "auto");
const iceRiver = classifyMiner("IceRiverMiner-v1.1", "auto");
const bitmain = classifyMiner("GodMiner/2.0", "auto");

// Spec §2.6: the mainnet template of onemorebsmith's stratum_test.go.
const vector = {
  words: [2769687437080476293n, 2642455852654975590n, 16370749824715673019n, 15145064868898544117n] as const,
  bigHeader: "853a0bb20ce86f2666da260099e3ab24bb4df7c83a9630e3f519f29a41142ed29abb1a6300000000",
};

describe("parseRequest", () => {
  test("reads id, method and params; big ids survive", () => {
    expect(parseRequest('{"id":1,"method":"mining.subscribe","params":["lolMiner 1.72"]}')).toEqual({
      id: 1, method: "mining.subscribe", params: ["lolMiner 1.72"],
    });
    expect(parseRequest('{"id":18446744073709551615,"method":"x","params":[]}').id).toBe(18446744073709551615n);
    expect(parseRequest('{"id":"a","method":"x"}').params).toEqual([]);
  });

  test.each([
    ["not json", "Malformed JSON", null],
    ["[1,2]", "Expected a JSON object", null],
    ['{"id":7,"params":[]}', "Missing method", 7],
    ['{"id":8,"method":"x","params":{"a":1}}', "params must be an array", 8],
  ])("%p is refused with %p", (line, message, id) => {
    try {
      parseRequest(line);
      throw new Error("parsed");
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedRequest);
      expect((err as MalformedRequest).message).toBe(message);
      expect((err as MalformedRequest).id).toBe(id);
    }
  });
});

describe("lines the pool sends", () => {
  test("replies", () => {
    expect(resultLine(500, true)).toBe('{"id":500,"result":true,"error":null}\n');
    expect(errorLine(4, errors.duplicate())).toBe('{"id":4,"result":null,"error":[22,"Duplicate share submitted",null]}\n');
    expect(errorLine(null, errors.jobNotFound())).toBe('{"id":null,"result":null,"error":[21,"Job not found",null]}\n');
  });

  test("subscribe results (spec §3.2)", () => {
    expect(resultLine(1, subscribeResult(lolMiner, "0001"))).toBe('{"id":1,"result":[true,"EthereumStratum/1.0.0"],"error":null}\n');
    expect(resultLine(1, subscribeResult(bitmain, ""))).toBe('{"id":1,"result":[null,"",8],"error":null}\n');
    expect(subscribeResult(bitmain, "ab")).toEqual([null, "ab", 7]);
  });

  test("set_extranonce (spec §3.3): IceRiver minimal, Bitmain with the extranonce2 size", () => {
    expect(notificationLine(iceRiver, "mining.set_extranonce", setExtranonceParams(iceRiver, "0001")))
      .toBe('{"method":"mining.set_extranonce","params":["0001"]}\n');
    expect(notificationLine(lolMiner, "mining.set_extranonce", setExtranonceParams(lolMiner, "fbba")))
      .toBe('{"id":null,"jsonrpc":"2.0","method":"mining.set_extranonce","params":["fbba"]}\n');
    expect(setExtranonceParams(bitmain, "fbba")).toEqual(["fbba", 6]);
  });

  test("set_difficulty (spec §3.4), fractional difficulties as plain JSON numbers", () => {
    expect(notificationLine(lolMiner, "mining.set_difficulty", [15]))
      .toBe('{"id":null,"jsonrpc":"2.0","method":"mining.set_difficulty","params":[15]}\n');
    expect(notificationLine(iceRiver, "mining.set_difficulty", [0.5])).toBe('{"method":"mining.set_difficulty","params":[0.5]}\n');
    expect(notificationLine(iceRiver, "mining.set_difficulty", [1e-7])).toBe('{"method":"mining.set_difficulty","params":[1e-7]}\n');
  });

  test("notify, 4-word form: u64 words as bare integers, exact above 2^53 (spec §3.5a)", () => {
    const line = notificationLine(lolMiner, "mining.notify", notifyParams(lolMiner, "350724", vector, 1681123755681n));
    expect(line).toBe(
      '{"id":null,"jsonrpc":"2.0","method":"mining.notify","params":["350724",' +
        "[2769687437080476293,2642455852654975590,16370749824715673019,15145064868898544117],1681123755681]}\n",
    );
  });

  test("notify, big-header form for IceRiver (spec §3.5b)", () => {
    expect(notificationLine(iceRiver, "mining.notify", notifyParams(iceRiver, "7", vector, 1662696346n))).toBe(
      `{"method":"mining.notify","params":["7","${vector.bigHeader}"]}\n`,
    );
  });

  test("Bitmain gets the 4-word form", () => {
    expect(notifyParams(bitmain, "9", vector, 5n)).toEqual(["9", [...vector.words], 5n]);
  });
});
