import { describe, expect, test } from "bun:test";
import { decodeServerMessage, encodeRequest } from "../../src/node/framing.ts";

describe("encodeRequest", () => {
  test("writes id, method, params in that order with a bare u64 id", () => {
    expect(encodeRequest(18446744073709551615n, "getInfo", {})).toBe('{"id":18446744073709551615,"method":"getInfo","params":{}}');
    expect(encodeRequest(3n, "subscribe", { NewBlockTemplate: {} })).toBe('{"id":3,"method":"subscribe","params":{"NewBlockTemplate":{}}}');
  });
});

describe("decodeServerMessage", () => {
  test("a reply carries params and keeps u64 ids and values exact", () => {
    expect(decodeServerMessage('{"id":12345678901234567890,"method":"getSinkBlueScore","params":{"blueScore":9007199254740993}}')).toEqual({
      kind: "result", id: 12345678901234567890n, method: "getSinkBlueScore", params: { blueScore: 9007199254740993n },
    });
  });

  test("an error takes precedence and yields the message", () => {
    expect(decodeServerMessage('{"id":2,"method":"getBlock","error":{"code":0,"message":"Block not found","data":null}}')).toEqual({
      kind: "error", id: 2n, method: "getBlock", message: "Block not found",
    });
  });

  test("a message without id is a notification", () => {
    expect(decodeServerMessage('{"method":"newBlockTemplateNotification","params":{"NewBlockTemplate":{}}}')).toEqual({
      kind: "notification", method: "newBlockTemplateNotification", params: { NewBlockTemplate: {} },
    });
  });

  test.each([
    ["not json", "not JSON"],
    ["[]", "not a JSON object"],
    ['{"id":-1,"params":{}}', "id is not a u64 integer"],
    ['{"id":1.5,"params":{}}', "id is not a u64 integer"],
    ['{"id":"1","params":{}}', "id is not a u64 integer"],
    ['{"id":1,"method":"ping"}', "reply without params"],
    ['{"method":"x"}', "neither a reply nor a notification"],
  ])("%s is malformed", (text, reason) => {
    expect(decodeServerMessage(text)).toEqual({ kind: "malformed", reason });
  });
});
