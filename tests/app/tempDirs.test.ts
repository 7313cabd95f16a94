// Tests clean up after themselves: the files that make temporary folders are run with a temp directory of their
// own, which must be empty afterwards (kaspool-cli-*, kaspool-config-* and kaspool-proxy-* folders used to pile up).

import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("the CLI, config and proxy tests leave nothing in the temp directory", () => {
  const tmp = mkdtempSync(join(tmpdir(), "kaspool-tmpcheck-"));
  try {
    const files = ["tests/app/cli.test.ts", "tests/config/load.test.ts", "tests/config/difficultyFloor.test.ts",
      "tests/proxy/cli.test.ts", "tests/proxy/config.test.ts", "tests/proxy/tls.test.ts", "tests/cli/checkBlock.test.ts"];
    const run = Bun.spawnSync(["bun", "test", ...files], { env: { ...process.env, TMPDIR: tmp, DEBUG: "" } });
    expect(run.exitCode).toBe(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith("kaspool-"))).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);
