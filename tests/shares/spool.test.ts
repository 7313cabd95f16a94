// The spool file on its own: a crash mid-append leaves a torn last line, and a spool written by an older build
// may already hold a line that does not parse. Opening it repairs the file; nothing throws and nothing
// acknowledged is lost.

import { afterAll, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/common/log.ts";
import { Spool, type SpoolRecord } from "../../src/shares/spool.ts";
import { encodeRecord } from "../../src/shares/spoolRecord.ts";

const tmp = mkdtempSync(join(tmpdir(), "kaspool-spool-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const record = (): SpoolRecord & { kind: "share" } => ({
  kind: "share",
  share: { address: "kaspa:qa", worker: "rig", mode: "pplns", difficulty: 4, jobId: "j", nonce: (1n << 63n) + BigInt(++seq), timestamp: 1_700_000_000_000, run: "r" },
});
const nonces = (records: SpoolRecord[]) => records.map((r) => (r.kind === "share" ? r.share.nonce : null));

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    debug() {}, info() {},
    warn: (m, f) => void lines.push(`WARN ${m} ${JSON.stringify(f ?? {})}`),
    error: (m, f) => void lines.push(`ERROR ${m} ${JSON.stringify(f ?? {})}`),
    child: () => log,
  };
  return { log, lines };
}

/** A spool holding `records`, then the first bytes of one more, as a kill in the middle of an append leaves it. */
function tornSpool(name: string, records: SpoolRecord[]): string {
  const path = join(tmp, name);
  const spool = new Spool(path);
  spool.append(records);
  spool.close();
  appendFileSync(path, '{"kind":"share","share":{"address":"kaspa:q');
  return path;
}

test("a torn last line is cut off on open, so the next append starts on a line of its own", () => {
  const [a, b] = [record(), record()];
  const path = tornSpool("torn.spool", [a]);
  const spool = new Spool(path, capture().log);
  expect(readFileSync(path, "utf8").endsWith("\n")).toBe(true);
  spool.append([b]);
  spool.close();
  expect(nonces(new Spool(path).read())).toEqual([a.share.nonce, b.share.nonce]);
  expect(existsSync(`${path}.quarantine`)).toBe(false);
});

test("lines that do not parse go to the quarantine file with an error log line; the rest stays", () => {
  const [a, b] = [record(), record()];
  const path = join(tmp, "garbage.spool");
  const bad = ["not json", '{"kind":"payout"}', '{"kind":"share","share":{"nonce":"x"}}'];
  writeFileSync(path, [encodeRecord(a), ...bad, encodeRecord(b)].join("\n") + "\n");

  const { log, lines } = capture();
  const reopened = new Spool(path, log);
  expect(nonces(reopened.read())).toEqual([a.share.nonce, b.share.nonce]);
  expect(readFileSync(`${path}.quarantine`, "utf8")).toBe(bad.join("\n") + "\n");
  expect(lines.filter((l) => l.startsWith("ERROR"))).toHaveLength(1);
  expect(lines[0]).toContain("quarantine");
  // Repaired once: opening again finds nothing more to move.
  new Spool(path, log).close();
  expect(readFileSync(`${path}.quarantine`, "utf8")).toBe(bad.join("\n") + "\n");
  expect(lines).toHaveLength(1);
});

test("a record an older build appended onto a torn line is recovered, and the whole line kept in quarantine", () => {
  const [a, b] = [record(), record()];
  const path = tornSpool("glued.spool", [a]);
  // What builds before the repair did: the next append went onto the unterminated line.
  const glued = readFileSync(path, "utf8").split("\n").pop()!;
  appendFileSync(path, `${encodeRecord(b)}\n`);

  const spool = new Spool(path, capture().log);
  expect(nonces(spool.read())).toEqual([a.share.nonce, b.share.nonce]);
  expect(readFileSync(`${path}.quarantine`, "utf8").startsWith(glued)).toBe(true);
});

test("a spool that is nothing but a torn line opens empty", () => {
  const path = tornSpool("only-torn.spool", []);
  const spool = new Spool(path, capture().log);
  expect(spool.isEmpty).toBe(true);
  expect(spool.read()).toEqual([]);
  expect(readFileSync(path, "utf8")).toBe("");
});
