// Messages between the miner and its hashing workers.

export type ScanCommand =
  | { type: "work"; key: number; prePowHash: Uint8Array; timestamp: bigint; target: bigint; base: bigint; size: bigint; offset: bigint }
  | { type: "target"; key: number; target: bigint }
  | { type: "idle" };

export type ScanReport =
  | { type: "share"; key: number; nonce: bigint }
  | { type: "hashes"; count: number };
