// Transactions as the node's RPC JSON carries them (node-rpc.md §5.1). Byte fields stay hex strings, u64 are bigint.

export interface Outpoint {
  transactionId: string;
  index: number;
}

export interface TxInput {
  previousOutpoint: Outpoint;
  signatureScript: string;
  sequence: bigint;
  /** Version 0 commits to sig-ops; version 1 to a compute budget instead. */
  sigOpCount: number;
  computeBudget?: number;
}

export interface TxOutput {
  value: bigint;
  /** 2-byte big-endian script version then the script, in hex. */
  scriptPublicKey: string;
  covenant?: { authorizingInput: number; covenantId: string } | null;
}

export interface Transaction {
  version: number;
  inputs: TxInput[];
  outputs: TxOutput[];
  lockTime: bigint;
  subnetworkId: string;
  gas: bigint;
  payload: string;
}

/** The UTXO an input spends, as needed for sighash, mass and signature checks. */
export interface UtxoEntry {
  amount: bigint;
  scriptPublicKey: string;
  blockDaaScore: bigint;
  isCoinbase: boolean;
}

export const SUBNETWORK_NATIVE = "0".repeat(40);
export const SUBNETWORK_COINBASE = "01" + "0".repeat(38);
