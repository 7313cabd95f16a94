import { afterEach, expect, test } from "bun:test";
import { configureLogs, createLogger, quietInfo, redactUrl } from "../../src/common/log.ts";

const lines: string[] = [];
const original = { log: console.log, error: console.error };
function capture(): void {
  lines.length = 0;
  console.log = (l: string) => void lines.push(`out ${l}`);
  console.error = (l: string) => void lines.push(`err ${l}`);
}
afterEach(() => {
  Object.assign(console, original);
  configureLogs({ format: "text", debug: false });
});

test("json: one object per event, fields after time, level, scope and msg; bigints as strings", () => {
  configureLogs({ format: "json", debug: false });
  capture();
  const log = createLogger("kaspool").child("pool");
  log.info("block credited", { hash: "ab", miners: 2, reward: 5n, ok: true, msg: "cannot overwrite" });
  log.warn("careful");
  log.debug("hidden");
  expect(lines).toHaveLength(2);
  const event = JSON.parse(lines[0]!.slice(4));
  expect(event).toMatchObject({ level: "info", scope: "kaspool:pool", msg: "block credited", hash: "ab", miners: 2, reward: "5", ok: true });
  expect(Object.keys(event).slice(0, 4)).toEqual(["time", "level", "scope", "msg"]);
  expect(lines[1]!.startsWith("err {")).toBe(true);
});

test("text: one readable line; debug only when configured; quietInfo demotes info to debug", () => {
  configureLogs({ format: "text", debug: false });
  capture();
  const log = createLogger("kaspool");
  log.info("stopped", { code: 0 });
  quietInfo(log.child("devnet")).info("block accepted");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^out \S+Z INFO  \[kaspool\] stopped code=0$/);
  configureLogs({ format: "text", debug: true });
  quietInfo(log.child("devnet")).info("block accepted");
  expect(lines[1]).toContain("DEBUG [kaspool:devnet] block accepted");
});

test("URLs lose their user and password, nothing else", () => {
  expect(redactUrl("ws://user:pa%40ss@10.0.0.1:17110/x")).toBe("ws://***@10.0.0.1:17110/x");
  expect(redactUrl("wss://token@node.example")).toBe("wss://***@node.example");
  expect(redactUrl("ws://127.0.0.1:18610")).toBe("ws://127.0.0.1:18610");
  expect(redactUrl("ws://host/path@x")).toBe("ws://host/path@x");
});
