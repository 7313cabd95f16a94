// A block no node answered may be spooled while the database is away: its JSON, needed to resubmit it, must survive.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spool } from "../../src/shares/spool.ts";
import type { FoundBlock } from "../../src/shares/types.ts";

const tmp = mkdtempSync(join(tmpdir(), "kaspool-spool-block-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test("a spooled unanswered block keeps its block JSON byte for byte", () => {
  const block: FoundBlock = {
    hash: "ef".repeat(32), address: "kaspa:qa", worker: "rig", mode: "pplns", daaScore: 2n ** 63n + 5n, networkDifficulty: 3,
    accepted: false, rejectReason: null, foundAt: 1_800_000_000_000,
    pendingBlock: '{"header":{"nonce":18446744073709551615,"daaScore":9223372036854775813},"transactions":[]}',
  };
  const path = join(tmp, "pending.spool");
  const spool = new Spool(path);
  spool.append([{ kind: "block", block }]);
  spool.close();
  expect(new Spool(path).read()).toEqual([{ kind: "block", block }]);
});
