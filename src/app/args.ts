// Command-line parsing for index.ts. Unknown flags are errors, not silently ignored.

export type Command =
  | { kind: "run"; configFile?: string; devnet: boolean }
  | { kind: "check-config"; configFile?: string }
  | { kind: "check-block"; file: string }
  | { kind: "payer"; configFile?: string }
  | { kind: "treasury"; configFile?: string }
  | { kind: "proxy"; configFile?: string; checkConfig: boolean }
  | { kind: "help" };

export class UsageError extends Error {}

export const USAGE = `usage:
  bun run index.ts [--config FILE] [--devnet]     run the pool (--devnet also starts a devnet node on node.urls[0])
  bun run index.ts --check-config [--config FILE] validate the configuration and exit (2 on error)
  bun run index.ts check-block FILE               verify the PoW of one header in RPC JSON (0 valid, 1 invalid, 2 bad input)
  bun run index.ts payer [--config FILE]          run the treasury watcher and the payer (needs TREASURY_PRIVATE_KEY)
  bun run index.ts treasury [--config FILE]       reconcile the pool wallet with the ledger once (0 balanced, 1 not, 2 error)
  bun run index.ts proxy [--config FILE] [--check-config]
                                                  run as a stratum proxy in front of proxy.upstreams (no node, no database)`;

export function parseArgs(argv: string[]): Command {
  if (argv[0] === "check-block") {
    if (argv.length !== 2) throw new UsageError("check-block takes exactly one FILE");
    return { kind: "check-block", file: argv[1]! };
  }
  const sub = argv[0] === "payer" || argv[0] === "treasury" || argv[0] === "proxy" ? argv[0] : null;
  let configFile: string | undefined;
  let checkConfig = false;
  let devnet = false;
  for (let i = sub ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--config") {
      const value = argv[++i];
      if (!value) throw new UsageError("--config needs a FILE");
      configFile = value;
    } else if (arg.startsWith("--config=")) configFile = arg.slice("--config=".length);
    else if (arg === "--check-config") checkConfig = true;
    else if (arg === "--devnet") devnet = true;
    else if (arg === "--help" || arg === "-h") return { kind: "help" };
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (sub === "proxy") {
    if (devnet) throw new UsageError("proxy takes only --config FILE and --check-config");
    return { kind: "proxy", configFile, checkConfig };
  }
  if (sub) {
    if (checkConfig || devnet) throw new UsageError(`${sub} takes only --config FILE`);
    return { kind: sub, configFile };
  }
  if (checkConfig) {
    if (devnet) throw new UsageError("--devnet does not go with --check-config");
    return { kind: "check-config", configFile };
  }
  return { kind: "run", configFile, devnet };
}
