// kaspool entry point: run the pool, validate a configuration, or check a block header's PoW.

import "dotenv/config";
import { parseArgs, UsageError, USAGE } from "./src/app/args.ts";
import { ConfigError, loadConfig } from "./src/config/load.ts";

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n${USAGE}`);
    return 2;
  }
  switch (command.kind) {
    case "help":
      console.log(USAGE);
      return 0;
    case "check-block": {
      const { runCheckBlock } = await import("./src/cli/checkBlock.ts");
      return runCheckBlock(command.file);
    }
    case "check-config":
      try {
        const config = loadConfig({ file: command.configFile });
        console.log(`config OK: network ${config.network}, ${config.stratum.ports.length} stratum port(s), node ${config.node.urls.join(", ")}`);
        return 0;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(`config error: ${e.message}`);
        return 2;
      }
    case "payer": {
      const { runPayer } = await import("./src/app/payer.ts");
      return runPayer(command);
    }
    case "treasury": {
      const { runTreasury } = await import("./src/app/payer.ts");
      return runTreasury(command);
    }
    case "proxy": {
      const { runProxy } = await import("./src/app/proxy.ts");
      return runProxy(command);
    }
    case "run": {
      const { runPool } = await import("./src/app/run.ts");
      return runPool(command);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (e) => {
    console.error(`fatal: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
