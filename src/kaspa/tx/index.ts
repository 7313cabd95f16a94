export type { Outpoint, Transaction, TxInput, TxOutput, UtxoEntry } from "./types.ts";
export { SUBNETWORK_COINBASE, SUBNETWORK_NATIVE } from "./types.ts";
export { parseTransaction } from "./parse.ts";
export { transactionId } from "./txid.ts";
export { sigHash, SIGHASH_ALL, SIGHASH_ANYONECANPAY, SIGHASH_NONE, SIGHASH_SINGLE } from "./sighash.ts";
export { allowedScriptUnits, checkInputScript, ecdsaSigHash, verifyInputSignature } from "./verify.ts";
export { p2shSigOps } from "./script.ts";
export { computeMass, minimumFee, nonContextualMass, type Mass } from "./mass.ts";
export { coinbasePayload } from "./coinbase.ts";
