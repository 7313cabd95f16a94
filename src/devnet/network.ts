// Identity of the simulated network, as getServerInfo and addresses show it.

export const NETWORK_ID = "devnet";
export const ADDRESS_PREFIX = "kaspadev";
/** The rusty-kaspa release whose wire format the simulator follows; also the coinbase extra-data prefix. */
export const SERVER_VERSION = "2.0.1";
/** The devnet wRPC JSON port (rusty-kaspa NetworkType::default_json_rpc_port). */
export const DEFAULT_PORT = 18610;
/** A single CPU miner (~100 kH/s) finds a block every few seconds: 2^32·D ≈ 262,144 hashes. */
export const DEFAULT_DIFFICULTY = 1 / 16384;
/** The minimum relay feerate after Toccata, sompi per gram (node-rpc.md §8): what fee estimates say when idle. */
export const MIN_FEERATE = 100;
