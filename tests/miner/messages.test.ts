import { describe, expect, test } from "bun:test";
import { describeError, parseServerMessage, request, subscribeExtranonce } from "../../src/miner/messages.ts";

describe("parseServerMessage", () => {
  test("the spec §3.1 wire log", () => {
    expect(parseServerMessage('{"id":1,"jsonrpc":"2.0","result":[true,"EthereumStratum/1.0.0"],"error":null}')).toEqual({
      kind: "reply", id: 1, result: [true, "EthereumStratum/1.0.0"], error: null,
    });
    expect(parseServerMessage('{"id":null,"jsonrpc":"2.0","method":"set_extranonce","params":["fbba",6]}')).toEqual({
      kind: "extranonce", extranonce: "fbba",
    });
    expect(parseServerMessage('{"id":null,"jsonrpc":"2.0","method":"mining.set_difficulty","params":[15]}')).toEqual({
      kind: "difficulty", difficulty: 15,
    });
    const notify = parseServerMessage(
      '{"id":null,"method":"mining.notify","params":["350724",[7211280287401868441,16494456541454081082,2382655150393541020,7381781733132719467],1681123755681],"jsonrpc":"2.0"}',
    );
    expect(notify.kind).toBe("notify");
    expect((notify as { params: unknown[] }).params[1]).toEqual([
      7211280287401868441n, 16494456541454081082n, 2382655150393541020n, 7381781733132719467n,
    ]);
  });

  test("both extranonce method names and param shapes", () => {
    expect(parseServerMessage('{"method":"mining.set_extranonce","params":["00a1"]}')).toEqual({ kind: "extranonce", extranonce: "00a1" });
    expect(parseServerMessage('{"method":"set_extranonce","params":["00a1",6]}')).toEqual({ kind: "extranonce", extranonce: "00a1" });
  });

  test("fractional difficulties down to 1e-9", () => {
    expect(parseServerMessage('{"method":"mining.set_difficulty","params":[1e-9]}')).toEqual({ kind: "difficulty", difficulty: 1e-9 });
    expect(parseServerMessage('{"method":"mining.set_difficulty","params":[0.125]}')).toEqual({ kind: "difficulty", difficulty: 0.125 });
  });

  test("unknown methods are reported as such, bad lines throw a one-line reason", () => {
    expect(parseServerMessage('{"id":9,"method":"client.get_version","params":[]}')).toEqual({ kind: "other", method: "client.get_version" });
    expect(() => parseServerMessage("{nope")).toThrow("not JSON");
    expect(() => parseServerMessage("[1,2]")).toThrow("non-object");
    expect(() => parseServerMessage('{"method":"mining.set_difficulty","params":[0]}')).toThrow("positive number");
    expect(() => parseServerMessage('{"method":"mining.set_difficulty","params":[]}')).toThrow("without params");
    expect(() => parseServerMessage('{"method":"set_extranonce","params":[12]}')).toThrow("non-string");
    expect(() => parseServerMessage('{"foo":1}')).toThrow("neither");
  });
});

describe("errors and subscribe results", () => {
  test("array and object error forms", () => {
    expect(describeError([21, "Job not found", null])).toBe("21 Job not found");
    expect(describeError({ code: 23, message: "Invalid difficulty" })).toBe("23 Invalid difficulty");
    expect(describeError(null)).toBeNull();
    expect(describeError("boom")).toBe("boom");
  });

  test("the Bitmain subscribe result carries the extranonce", () => {
    expect(subscribeExtranonce([null, "0a0b", 6])).toBe("0a0b");
    expect(subscribeExtranonce([null, "", 8])).toBe("");
    expect(subscribeExtranonce([true, "EthereumStratum/1.0.0"])).toBeNull();
  });

  test("requests are single JSON lines", () => {
    expect(request(3, "mining.submit", ["kaspadev:q.w", "42", "fbba000000000001"])).toBe(
      '{"id":3,"method":"mining.submit","params":["kaspadev:q.w","42","fbba000000000001"]}\n',
    );
  });
});
