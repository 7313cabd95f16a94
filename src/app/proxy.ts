// Runs proxy mode: stratum ports in front of proxy.upstreams, /status /health /metrics on the API port, a
// report line every proxy.reportMinutes. No node, no database. Stops on SIGINT/SIGTERM.

import { serveApi } from "../api/server.ts";
import { createLogger } from "../common/log.ts";
import { ConfigError } from "../config/load.ts";
import { proxyApi } from "../proxy/api.ts";
import { startProxy } from "../proxy/index.ts";
import { proxyMetrics } from "../proxy/metrics.ts";
import { reportLines } from "../proxy/status.ts";
import { loadCommandConfig } from "./commandConfig.ts";
import { keepServingThroughBackgroundFailures } from "./keepServing.ts";
import { listenForStop } from "./stopSignal.ts";

const log = createLogger("proxy");

export async function runProxy(opts: { configFile?: string; checkConfig: boolean }): Promise<number> {
  const config = loadCommandConfig(opts.configFile, (c) => {
    if (c.proxy.upstreams.length === 0) throw new ConfigError(`${opts.configFile ?? "config"}: proxy.upstreams: needs at least one upstream`);
  });
  if (!config) return 2;
  if (opts.checkConfig) {
    console.log(`config OK: proxy, ${config.stratum.ports.length} stratum port(s), upstreams ${config.proxy.upstreams.map((u) => u.name).join(", ")}`);
    return 0;
  }
  keepServingThroughBackgroundFailures(log);
  const signals = listenForStop(log);

  let proxy;
  let server;
  try {
    proxy = await startProxy({ config, log });
    const status = () => proxy!.status();
    server = serveApi(config.api, (clientIp) => ({ app: proxyApi({ config, status, metrics: proxyMetrics(status), clientIp, log: log.child("api") }) }));
  } catch (e) {
    log.error("start-up failed", { error: e instanceof Error ? e.message : String(e) });
    await proxy?.stop();
    return 1;
  }
  log.info("proxy running", { stratum: proxy.ports.join(","), api: `${config.api.host}:${server.port}` });
  const report = setInterval(() => {
    for (const [what, fields] of reportLines(proxy.status())) log.info(what, fields);
  }, config.proxy.reportMinutes * 60_000);

  log.info("stopping", { signal: await signals.received });
  clearInterval(report);
  const stopped = signals.bounded((async () => {
    await server.stop();
    await proxy.stop();
  })());
  if (!(await stopped)) return 1;
  log.info("stopped");
  return 0;
}
