// Shapes of node replies after decoding. u64 fields are bigint; the block template stays opaque.

import type { Transaction } from "../kaspa/tx/types.ts";

/**
 * A block template exactly as the node sent it (parseJson output). Fields this code does not know are kept and
 * sent back unchanged by submitBlock; only header.nonce is replaced.
 */
export interface BlockTemplate {
  header: Record<string, unknown> & { nonce?: unknown };
  transactions: unknown[];
  [key: string]: unknown;
}

export interface ServerInfo {
  rpcApiVersion: number;
  serverVersion: string;
  networkId: string;
  hasUtxoIndex: boolean;
  isSynced: boolean;
  virtualDaaScore: bigint;
}

export interface SubmitBlockResult {
  accepted: boolean;
  /** The node's reject reason, e.g. "blockInvalid" or "isInIBD"; null when accepted. */
  rejectReason: string | null;
}

export interface BlockDagInfo {
  network: string;
  blockCount: bigint;
  headerCount: bigint;
  tipHashes: string[];
  difficulty: number;
  pastMedianTime: bigint;
  virtualParentHashes: string[];
  pruningPointHash: string;
  virtualDaaScore: bigint;
  sink: string;
}

export interface Outpoint {
  transactionId: string;
  index: number;
}

export interface UtxoEntry {
  amount: bigint;
  /** Hex of 2-byte big-endian script version followed by the script. */
  scriptPublicKey: string;
  blockDaaScore: bigint;
  isCoinbase: boolean;
  covenantId: string | null;
}

export interface UtxoEntryWithAddress {
  address: string;
  outpoint: Outpoint;
  utxoEntry: UtxoEntry;
}

export type BlockColor = "unknown" | "blue" | "red";

export interface BlockRewardInfo {
  blockColor: BlockColor;
  confirmationCount: bigint | null;
  mergingChainBlockHash: string | null;
  rewardAmount: bigint | null;
}

export interface FeeBucket {
  /** sompi per gram */
  feerate: number;
  estimatedSeconds: number;
}

export interface FeeEstimate {
  priorityBucket: FeeBucket;
  normalBuckets: FeeBucket[];
  lowBuckets: FeeBucket[];
}

export interface UtxosChange {
  added: UtxoEntryWithAddress[];
  removed: UtxoEntryWithAddress[];
}

export interface AcceptedTransactionIds {
  acceptingBlockHash: string;
  acceptedTransactionIds: string[];
}

/** getVirtualChainFromBlock: the chain path from the start block to the sink. */
export interface VirtualChain {
  removedChainBlockHashes: string[];
  addedChainBlockHashes: string[];
  /** One entry per added chain block when asked for, else empty. */
  acceptedTransactionIds: AcceptedTransactionIds[];
}

/** submitTransactionReplacement: the replacement's id and the transaction it evicted, with the node's storage mass. */
export interface TransactionReplacement {
  transactionId: string;
  replacedTransaction: Transaction & { storageMass: bigint };
}
