// The only import of the Kaspa WASM SDK (kaspa-wasm 0.13.0, pre-Crescendo): used as an independent PoW
// reference in tests and benchmarks, never on the pool's own paths.

export { Header as WasmHeader, State as WasmPowState } from "kaspa-wasm";

// The SDK's wRPC client, used only by the devnet test that talks to the simulator with a client we did not write.
export { RpcClient as WasmRpcClient, Encoding as WasmEncoding } from "kaspa-wasm";
