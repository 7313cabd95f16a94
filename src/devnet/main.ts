// `bun run devnet`: a Kaspa node simulator on ws://127.0.0.1:18610 until SIGINT/SIGTERM.

import { createLogger } from "../common/log.ts";
import { parseArgs, USAGE } from "./args.ts";
import { startDevnet } from "./index.ts";

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`devnet: ${parsed.error} (${USAGE})`);
  process.exit(2);
}

const log = createLogger("devnet");
const devnet = await startDevnet({ ...parsed.options, log }).catch((err: unknown) => {
  console.error(`devnet: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
console.log(`devnet listening on ${devnet.url}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { signal });
  await devnet.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
