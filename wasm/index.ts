// The only import of the Kaspa WASM SDK. It loads an SDK folder an operator dropped into wasm/kaspa/ (the
// nightly Node.js build, as kaspool users install it), else the npm package kaspa-wasm. It serves as an
// independent PoW reference in tests and benchmarks and as a third-party wRPC client; never on the pool's paths.

import { existsSync } from "node:fs";

type Sdk = typeof import("kaspa-wasm");

const droppedIn = new URL("./kaspa/kaspa.js", import.meta.url);
const sdk: Sdk = existsSync(droppedIn) ? await import(droppedIn.href) : await import("kaspa-wasm");

export const WasmHeader = sdk.Header;
export type WasmHeader = InstanceType<Sdk["Header"]>;

// kaspa-wasm 0.13.0 calls the PoW class State (checkPow); newer SDKs call it PoW (checkWork).
type Pow = { checkWork(nonce: bigint): [boolean, bigint] };
const newerPow = (sdk as unknown as { PoW?: new (h: WasmHeader) => Pow }).PoW;
export const WasmPowState: Sdk["State"] = sdk.State ?? (class extends newerPow! {
  checkPow(nonce: bigint) {
    return this.checkWork(nonce);
  }
} as unknown as Sdk["State"]);
export type WasmPowState = InstanceType<Sdk["State"]>;

export const WasmRpcClient = sdk.RpcClient;
export type WasmRpcClient = InstanceType<Sdk["RpcClient"]>;
export const WasmEncoding = sdk.Encoding;

// Transactions, as an independent reference for payout txids and signature hashes.
export const WasmTransaction = sdk.Transaction;
export const WasmTransactionInput = sdk.TransactionInput;
export const WasmTransactionOutput = sdk.TransactionOutput;
export const WasmScriptPublicKey = sdk.ScriptPublicKey;
export const WasmUtxoEntries = sdk.UtxoEntries;
export const WasmSignableTransaction = sdk.SignableTransaction;
