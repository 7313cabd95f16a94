// Types of a validated configuration, inferred from the schema so the two never drift.

import type { z } from "zod";
import type { configSchema, stratumPortSchema, vardiffSchema } from "./schema.ts";

export type Config = z.infer<typeof configSchema>;
export type NetworkId = Config["network"];
export type StratumConfig = Config["stratum"];
export type StratumPortConfig = z.infer<typeof stratumPortSchema>;
export type PortMode = StratumPortConfig["mode"];
export type JobEncoding = StratumPortConfig["encoding"];
export type VardiffConfig = z.infer<typeof vardiffSchema>;
export type ProxyConfig = Config["proxy"];
export type UpstreamConfig = ProxyConfig["upstreams"][number];
