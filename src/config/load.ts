// Builds the configuration: built-in defaults < config file < environment. Every failure is a ConfigError
// with one line that names the file or key at fault.

import { existsSync, readFileSync } from "node:fs";
import { isJsonObject as isObject } from "../common/json.ts";
import { defaults } from "./defaults.ts";
import { configSchema } from "./schema.ts";
import { checkSemantics } from "./semantics.ts";
import { checkTlsFiles } from "./tlsFiles.ts";
import { treasuryAddressFromKey } from "./treasuryKey.ts";
import type { Config } from "./types.ts";

export class ConfigError extends Error {}

export const DEFAULT_CONFIG_FILE = "config/config.json";

type Json = Record<string, unknown>;

export interface LoadOptions {
  /** Explicit --config FILE; it must exist. Without it config/config.json is read when present. */
  file?: string;
  env?: Record<string, string | undefined>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let merged = structuredClone(defaults) as Json;
  if (file) merged = deepMerge(merged, readConfigFile(file));
  const fromEnvironment = fromEnv(env);
  merged = deepMerge(merged, fromEnvironment);

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? formatPath(issue.path) : "config";
    const detail = issue.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"` : issue.message;
    // A bad value the environment set is blamed on the variable, not on a file that never held it.
    const variable = ENV_KEYS.find(([, path]) => where.startsWith(path) && hasPath(fromEnvironment, path))?.[0];
    throw new ConfigError(variable ? `environment ${variable} (${where}): ${detail}` : `${file ?? "config"}: ${where}: ${detail}`);
  }
  const config = parsed.data;
  if (env.TREASURY_PRIVATE_KEY) applyTreasuryKey(config, env.TREASURY_PRIVATE_KEY, merged);
  const problem = checkSemantics(config) ?? checkTlsFiles(config);
  if (problem) throw new ConfigError(`${file ?? "config"}: ${problem}`);
  return config;
}

/** The key decides the pool address; an explicitly configured different address is a mistake worth stopping for. */
function applyTreasuryKey(config: Config, key: string, merged: Json): void {
  let address: string;
  try {
    address = treasuryAddressFromKey(key, config.network);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const configured = (merged.treasury as Json).address;
  if (configured && configured !== defaults.treasury!.address && configured !== address) {
    throw new ConfigError(`treasury.address: ${configured} is not the address of TREASURY_PRIVATE_KEY (${address})`);
  }
  config.treasury.address = address;
}

function readConfigFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(`${file}: cannot read the file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(value)) throw new ConfigError(`${file}: the top level must be a JSON object`);
  return value;
}

/** Which variable sets which key, so an error names what the operator actually wrote. */
const ENV_KEYS: Array<[string, string]> = [
  ["DATABASE_URL", "database.url"], ["PUSHGATEWAY", "pushgateway"], ["NODE_URL", "node.urls"], ["LOG_FORMAT", "log.format"],
];

const BOOLEAN_VALUES: Record<string, boolean> = { "1": true, true: true, "0": false, false: false };

/** A yes/no variable: unset or empty is undefined; a value other than 1, 0, true or false is refused, not guessed. */
function envBoolean(env: Record<string, string | undefined>, name: string): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const parsed = BOOLEAN_VALUES[value.toLowerCase()];
  if (parsed === undefined) throw new ConfigError(`environment ${name}: must be 1, 0, true or false (got "${value}")`);
  return parsed;
}

/** Deployment settings and secrets come from the environment, as in kaspool's .env. */
function fromEnv(env: Record<string, string | undefined>): Json {
  const out: Json = {};
  if (env.DATABASE_URL) out.database = { url: env.DATABASE_URL };
  if (env.PUSHGATEWAY) out.pushgateway = env.PUSHGATEWAY;
  const debug = envBoolean(env, "DEBUG");
  if (debug !== undefined) out.debug = debug;
  const api: Json = {};
  if (env.API_HOST) api.host = env.API_HOST;
  const trustProxy = envBoolean(env, "API_TRUST_PROXY");
  if (trustProxy !== undefined) api.trustProxy = trustProxy;
  if (Object.keys(api).length) out.api = api;
  if (env.NODE_URL) out.node = { urls: env.NODE_URL.split(",").map((u) => u.trim()).filter(Boolean) };
  if (env.LOG_FORMAT) out.log = { format: env.LOG_FORMAT };
  return out;
}

function hasPath(obj: Json, path: string): boolean {
  let at: unknown = obj;
  for (const key of path.split(".")) {
    if (!isObject(at) || !(key in at)) return false;
    at = at[key];
  }
  return true;
}

/** Objects merge key by key; arrays and scalars from the override replace the base. */
function deepMerge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? deepMerge(current, value) : value;
  }
  return out;
}


function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
