// The configuration of a long-running command (pool, payer, proxy), loaded the same way by each.

import { configureLogs } from "../common/log.ts";
import { ConfigError, loadConfig } from "../config/load.ts";
import type { Config } from "../config/types.ts";

/**
 * Loads the configuration and applies its log settings. A configuration error, or one `check` throws as a
 * ConfigError, is printed and gives null: the command exits 2.
 */
export function loadCommandConfig(file: string | undefined, check?: (config: Config) => void): Config | null {
  try {
    const config = loadConfig({ file });
    check?.(config);
    configureLogs({ format: config.log.format, debug: config.debug });
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`config error: ${e.message}`);
    return null;
  }
}
