// Checks that span several keys or need protocol knowledge, after the schema has checked types.

import { checkAddress } from "../kaspa/address.ts";
import { checkProxy } from "../proxy/schedule.ts";
import { checkDifficultyFloor } from "./difficultyFloor.ts";
import type { Config } from "./types.ts";

/** Returns the first problem as "key: reason", or null. */
export function checkSemantics(config: Config): string | null {
  const addressProblem = checkAddress(config.treasury.address, config.network);
  if (addressProblem) return `treasury.address: ${addressProblem}`;

  const feeBasisPoints = config.treasury.fee * 100;
  if (Math.abs(feeBasisPoints - Math.round(feeBasisPoints)) > 1e-9) {
    return "treasury.fee: must be a whole number of basis points (at most two decimals)";
  }

  const floorProblem = checkDifficultyFloor(config);
  if (floorProblem) return floorProblem;

  const seen = new Set<number>();
  for (const [i, p] of config.stratum.ports.entries()) {
    const key = `stratum.ports[${i}]`;
    if (p.port !== 0 && seen.has(p.port)) return `${key}.port: port ${p.port} is listed twice`;
    seen.add(p.port);
    if (p.port !== 0 && p.port === config.api.port) return `${key}.port: port ${p.port} is also api.port`;
    // The balancer's header would reach the TLS handshake as garbage: terminate TLS at the balancer instead.
    if (p.tls && p.proxyProtocol) return `${key}: tls and proxyProtocol cannot be combined on one port`;
    if (p.vardiff) {
      if (p.vardiff.minDifficulty > p.vardiff.maxDifficulty) return `${key}.vardiff: minDifficulty is above maxDifficulty`;
      if (p.difficulty < p.vardiff.minDifficulty || p.difficulty > p.vardiff.maxDifficulty) {
        return `${key}.difficulty: ${p.difficulty} is outside vardiff [minDifficulty, maxDifficulty]`;
      }
    }
  }
  return checkProxy(config.proxy);
}
