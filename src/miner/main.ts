// CLI: bun run miner -- --url stratum+tcp://HOST:PORT --user ADDRESS.WORKER [--agent NAME] [--threads N]
//      stratum+ssl://HOST:PORT verifies the pool's certificate; [--ca FILE] trusts a self-signed one, [--insecure] any.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatHashrate } from "../common/hashrate.ts";
import { createLogger } from "../common/log.ts";
import { DEFAULT_AGENT } from "./agent.ts";
import { startMiner, type Miner, type MinerStats } from "./index.ts";
import type { TlsTrust } from "./lineSocket.ts";

const REPORT_EVERY_MS = 10_000;
const USAGE =
  "usage: bun run miner -- --url stratum+tcp://HOST:PORT|stratum+ssl://HOST:PORT --user ADDRESS.WORKER [--agent NAME] [--threads N] [--ca FILE | --insecure]";

function fail(message: string): never {
  console.error(`miner: ${message}\n${USAGE}`);
  process.exit(2);
}

function readArgs(): { url: string; user: string; agent: string; threads: number; tls: TlsTrust } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: "string" }, user: { type: "string" }, agent: { type: "string" }, threads: { type: "string" },
        ca: { type: "string" }, insecure: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.url) fail("--url is required");
  if (!values.user) fail("--user is required");
  const threads = Number(values.threads ?? "1");
  if (!Number.isInteger(threads) || threads < 1) fail("--threads must be a positive integer");
  if (values.ca && values.insecure) fail("--ca and --insecure exclude each other");
  if ((values.ca || values.insecure) && !values.url.startsWith("stratum+ssl://")) fail("--ca and --insecure need a stratum+ssl:// url");
  return { url: values.url, user: values.user, agent: values.agent ?? DEFAULT_AGENT, threads, tls: { ca: values.ca && readCa(values.ca), insecure: values.insecure } };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    fail(`--ca: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}

const args = readArgs();
const log = createLogger("miner");
let miner: Miner;
try {
  miner = await startMiner({ ...args, log });
} catch (err) {
  fail((err as Error).message);
}
// A refused login (a wrong address, a full pool) stays refused: say why and stop, rather than hash for nothing.
void miner.refused.then((reason) => {
  log.error(reason);
  process.exit(1);
});
const startedAt = performance.now();
let last = { at: startedAt, hashes: 0 };

function report(s: MinerStats, sinceMs: number, hashes: number, label: string): void {
  const rate = sinceMs > 0 ? (hashes * 1000) / sinceMs : 0;
  log.info(label, { hashrate: formatHashrate(rate), accepted: s.accepted, rejected: s.rejected });
}

const timer = setInterval(() => {
  const s = miner.stats();
  const now = performance.now();
  report(s, now - last.at, s.hashes - last.hashes, "status");
  last = { at: now, hashes: s.hashes };
}, REPORT_EVERY_MS);

async function shutdown(): Promise<void> {
  clearInterval(timer);
  await miner.stop();
  const s = miner.stats();
  report(s, performance.now() - startedAt, s.hashes, "total");
  process.exit(0);
}

process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
