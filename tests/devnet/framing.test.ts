import { describe, expect, test } from "bun:test";
import { decodeRequest, encodeError, encodeNotification, encodeResult } from "../../src/devnet/framing.ts";

describe("decodeRequest", () => {
  test("keeps a u64 id above 2^53 exactly", () => {
    const msg = decodeRequest('{"id":18446744073709551615,"method":"ping","params":{}}');
    expect(msg).toEqual({ kind: "request", id: 18446744073709551615n, method: "ping", params: {} });
  });

  test("an id-less or null-id message is a client notification", () => {
    expect(decodeRequest('{"method":"ping","params":{}}').kind).toBe("notification");
    expect(decodeRequest('{"id":null,"method":"ping","params":{}}').kind).toBe("notification");
  });

  test.each([
    ["not JSON", "{"],
    ["an array", "[1]"],
    ["unknown method", '{"id":1,"method":"getMagic","params":{}}'],
    ["no params", '{"id":1,"method":"ping"}'],
    ["negative id", '{"id":-1,"method":"ping","params":{}}'],
    ["fractional id", '{"id":1.5,"method":"ping","params":{}}'],
    ["string id", '{"id":"1","method":"ping","params":{}}'],
    ["id above u64", '{"id":18446744073709551616,"method":"ping","params":{}}'],
  ])("%s is malformed", (_, text) => {
    expect(decodeRequest(text).kind).toBe("malformed");
  });

  test("a known op without a handler still decodes (the reply is 'RPC method not found')", () => {
    expect(decodeRequest('{"id":1,"method":"notifyNewBlockTemplate","params":{}}').kind).toBe("request");
  });
});

describe("encoders", () => {
  test("result echoes id and method and carries params", () => {
    expect(encodeResult(12345678901234567890n, "ping", {})).toBe('{"id":12345678901234567890,"method":"ping","params":{}}');
  });

  test("error has code 0 and data null", () => {
    expect(encodeError(7, "getBlock", "boom")).toBe('{"id":7,"method":"getBlock","error":{"code":0,"message":"boom","data":null}}');
  });

  test("notification has no id", () => {
    expect(encodeNotification("newBlockTemplateNotification", { NewBlockTemplate: {} })).toBe(
      '{"method":"newBlockTemplateNotification","params":{"NewBlockTemplate":{}}}',
    );
  });
});
