// The boundary between stratum (which validates work) and accounting (which makes it durable and pays it).

import type { PortMode } from "../config/types.ts";
import type { RejectReason } from "../stratum/errors.ts";

export interface AcceptedShare {
  /** Kaspa address the miner authorised with. */
  address: string;
  worker: string;
  mode: PortMode;
  /** Difficulty in share units that this share was checked against. */
  difficulty: number;
  jobId: string;
  nonce: bigint;
  /** Unix milliseconds when the pool accepted it. */
  timestamp: number;
}

/** A share stratum refused from a logged-in worker: counted in share history, never stored one by one. */
export interface RejectedShare {
  address: string;
  worker: string;
  mode: PortMode;
  reason: RejectReason;
  /** Unix milliseconds when the pool refused it. */
  timestamp: number;
}

export interface FoundBlock {
  hash: string;
  address: string;
  worker: string;
  mode: PortMode;
  daaScore: bigint;
  /** Network difficulty in share units (2^224 / target) when the block was found. */
  networkDifficulty: number;
  /** Whether the node's submitBlock report was "success". */
  accepted: boolean;
  rejectReason: string | null;
  foundAt: number;
  /**
   * Set when no node answered the submission (neither accepted nor rejected it): the block as submitted, in
   * lossless JSON, so it can be resubmitted unchanged. Such a block is followed like an accepted one.
   */
  pendingBlock?: string;
}

/** Stratum hands accepted work here. `recordShare` resolves only once the share is durable. */
export interface ShareSink {
  recordShare(share: AcceptedShare): Promise<void>;
  recordBlock(block: FoundBlock): Promise<void>;
  /**
   * Called just before a found block is handed to the nodes: `block` is its unanswered form (with pendingBlock).
   * Keeps it synchronously where the next start finds it, so a process killed at any moment after the send still
   * records it for resubmission (issue 7). The keeping must not make the send wait for the disk: the returned call
   * makes it durable against a machine crash too, and is made once the block is sent. recordBlock for the same hash
   * supersedes it.
   */
  blockAtNode(block: FoundBlock): () => void;
  /** Counts a refused share in history. Statistics, not money: it never waits and may be lost in a crash. */
  recordReject(reject: RejectedShare): void;
  /**
   * Stratum calls this in the same turn as it takes an accepted share's timestamp, and the returned release once
   * recordShare has it: in between (the share may wait on its own block submission) no PPLNS window may be cut
   * that the share belongs in.
   */
  hold(timestamp: number): () => void;
  /** A miner's own payout minimum (pl= in its password), in sompi. */
  recordPayoutLimit(address: string, sompi: bigint): Promise<void>;
}
