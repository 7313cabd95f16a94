// Proxy mode over real sockets: kaspool pools on the devnet as upstreams, a kaspool proxy in front of them,
// CPU miners behind it.

import { afterEach } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/common/log.ts";
import { defaults } from "../../src/config/defaults.ts";
import { configSchema, type ConfigInput } from "../../src/config/schema.ts";
import type { Config } from "../../src/config/types.ts";
import { startProxy, type Proxy } from "../../src/proxy/index.ts";
import { collectOutput, type Output } from "../common/output.ts";
import { minerAddress, startPool, type Pool } from "../stratum/harness.ts";
import type { ScriptedUpstream } from "./scriptedUpstream.ts";

export const FARM = minerAddress(0x5a);
export const OTHER_FARM = minerAddress(0x5b);
/** The three dialects: big header + minimal notifications, 4 words, Bitmain subscribe result. */
export const AGENTS = ["IceRiverMiner-v1.1", "lolMiner 1.72", "GodMiner/1.0"];

/** A kaspool pool whose solo port pays the address a miner (here: the proxy) authorizes with. */
export function startUpstreamPool(opts: { difficulty: number; port?: number; devnetDifficulty?: number; bps?: number }): Promise<Pool> {
  return startPool({
    devnetDifficulty: opts.devnetDifficulty ?? 1e-3, bps: opts.bps ?? 2,
    stratum: {
      ports: [{ port: opts.port ?? 0, mode: "solo", difficulty: opts.difficulty, vardiff: false }],
      // One proxy connection carries a whole farm's shares.
      shareRateCap: { windowSeconds: 10, overTarget: 10, fixedSharesPerMinute: 1e12 },
      jobThrottleMs: 100,
    },
  });
}

type ProxyInput = Partial<NonNullable<ConfigInput["proxy"]>>;
type StratumInput = NonNullable<ConfigInput["stratum"]>;

/** One local port at `local.difficulty` (with the port's other keys from `local`), `stratum` over the rest. */
export function proxyConfig(
  proxy: ProxyInput,
  local: { difficulty: number } & Partial<StratumInput["ports"][number]> = { difficulty: 1e-7 },
  stratum: Partial<StratumInput> = {},
): Config {
  return configSchema.parse({
    ...defaults,
    stratum: { ...defaults.stratum, host: "127.0.0.1", ports: [{ port: 0, vardiff: false, ...local }], jobThrottleMs: 100, ...stratum },
    api: { ...defaults.api, host: "127.0.0.1", port: 0 },
    proxy: { ...defaults.proxy, ...proxy },
  });
}

export const upstreamUrl = (pool: Pool) => `stratum+tcp://127.0.0.1:${pool.stratum.ports[0]}`;

export async function runProxy(config: Config, opts: { clock?: () => number; tickMs?: number } = {}): Promise<Proxy> {
  return startProxy({ config, log: silentLogger, ...opts });
}

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

export interface ProxyProcess extends Output {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** The first stratum port the proxy reports once it runs; throws with the output if it does not within `ms`. */
  stratumPort(ms: number): Promise<number>;
  /** The API port the proxy reports once it runs; throws with the output if it does not within `ms`. */
  apiPort(ms: number): Promise<number>;
}

export interface ProxyRun {
  upstream: ScriptedUpstream | null;
  proxy: ProxyProcess | null;
}

/** The proxy process and scripted upstream of each test, both stopped after it. */
export function proxyRuns(): ProxyRun {
  const run: ProxyRun = { upstream: null, proxy: null };
  afterEach(async () => {
    run.proxy?.proc.kill();
    // Gone before the next test, its config folder with it.
    await run.proxy?.proc.exited;
    run.upstream?.stop();
    run.proxy = run.upstream = null;
  });
  return run;
}

/**
 * `bun run index.ts proxy --config FILE` on `config`, as an operator runs it; the file's folder goes with the
 * process. Give its ports as 0: it binds free ones and reports them, with no probe-then-bind race.
 */
export function spawnProxy(config: object, env: Record<string, string | undefined> = {}): ProxyProcess {
  const dir = mkdtempSync(join(tmpdir(), "kaspool-proxy-"));
  const file = join(dir, "proxy.json");
  writeFileSync(file, JSON.stringify(config));
  const proc = Bun.spawn(["bun", "run", "index.ts", "proxy", "--config", file], {
    stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, DEBUG: "", ...env },
  });
  void proc.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  const output = collectOutput(proc);
  return {
    ...output,
    proc,
    stratumPort: (ms) => output.reportedPort(/proxy running .*stratum=(\d+)/, ms, "proxy did not start"),
    apiPort: (ms) => output.reportedPort(/proxy running .*api=\S*:(\d+)/, ms, "proxy did not start"),
  };
}
