// The moving network: a selected chain that other (imaginary) miners extend every tick, plus the blocks our
// clients got accepted. Each accepted block is colored when accepted (seeded RNG, so runs repeat) and merged by
// the next chain block, which is when its color and reward become visible, as with a real node's merger block.

import { devnetHash } from "./digest.ts";
import type { Rng } from "./rng.ts";

export type BlockColor = "blue" | "red";

export interface MergeInfo {
  chainBlockHash: string;
  daaScore: bigint;
  blueScore: bigint;
}

export interface AcceptedBlock {
  readonly hash: string;
  readonly payAddress: string;
  readonly color: BlockColor;
  /** Sompi paid to payAddress once merged; 0 for red blocks. */
  readonly reward: bigint;
  readonly daaScore: bigint;
  /** The block as submitted (parseJson form), for getBlock. */
  readonly block: Record<string, unknown>;
  merge: MergeInfo | null;
}

/** What one tick produced: the new chain block and the accepted blocks it merged. */
export interface ChainBlock {
  hash: string;
  daaScore: bigint;
  blueScore: bigint;
  timestamp: number;
  mergedBlues: AcceptedBlock[];
  mergedReds: AcceptedBlock[];
}

export interface ChainOptions {
  startDaaScore: bigint;
  redRatio: number;
  rng: Rng;
  /** Blue work a chain block adds (expected hashes at the network difficulty). */
  workPerBlock: bigint;
  subsidy: bigint;
}

const ACCEPTED_KEPT = 100_000;
/** Chain blocks remembered for getVirtualChainFromBlock. */
const CHAIN_KEPT = 100_000;

/** A selected-chain block as getVirtualChainFromBlock reports it. */
export interface ChainRecord {
  hash: string;
  blueScore: bigint;
  /** Ids of the mempool transactions this chain block accepted. */
  acceptedTransactionIds: string[];
}

/** calculate_chain_path's answer, from a start block to the sink. */
export interface ChainPath {
  removed: string[];
  added: ChainRecord[];
}

export class Chain {
  /** DAA score of the block being mined now (virtual). */
  daaScore: bigint;
  /** Blue score of the sink, the selected tip. */
  sinkBlueScore: bigint;
  blueWork: bigint;
  sink: string;
  blockCount = 0n;
  private readonly pending: AcceptedBlock[] = [];
  private readonly accepted = new Map<string, AcceptedBlock>();
  /** The selected chain, oldest first; chainAt maps a hash to its position counted from the first block ever. */
  private readonly chain: ChainRecord[] = [];
  private chainBase = 0;
  private readonly chainAt = new Map<string, number>();

  constructor(private readonly opts: ChainOptions) {
    this.daaScore = opts.startDaaScore;
    // Mainnet keeps blue score roughly 10% below DAA score; any plausible value will do.
    this.sinkBlueScore = (opts.startDaaScore * 9n) / 10n;
    this.blueWork = opts.workPerBlock * opts.startDaaScore;
    this.sink = devnetHash("chain", opts.startDaaScore - 1n);
    this.record({ hash: this.sink, blueScore: this.sinkBlueScore, acceptedTransactionIds: [] });
  }

  private record(r: ChainRecord): void {
    this.chainAt.set(r.hash, this.chainBase + this.chain.length);
    this.chain.push(r);
    if (this.chain.length > CHAIN_KEPT) {
      this.chainAt.delete(this.chain.shift()!.hash);
      this.chainBase++;
    }
  }

  /** Records which transactions the latest chain block (from tick) accepted. */
  setAccepted(hash: string, ids: string[]): void {
    const at = this.chainAt.get(hash);
    if (at !== undefined) this.chain[at - this.chainBase]!.acceptedTransactionIds = ids;
  }

  /** The chain path from `start` to the sink, at most `limit` added blocks. A chain block removes nothing; an
   * accepted block, off the chain, is removed and the path continues from its selected parent (the sink its
   * template was built on). Undefined for a hash the devnet does not know. */
  pathFrom(start: string, limit: number): ChainPath | undefined {
    let removed: string[] = [];
    let from = this.chainAt.get(start);
    const offChain = this.accepted.get(start);
    if (from === undefined && offChain) {
      const parents = (offChain.block.header as { parentsByLevel: string[][] }).parentsByLevel;
      from = this.chainAt.get(parents[0]![0]!);
      removed = [start];
    }
    if (from === undefined) return undefined;
    const first = from - this.chainBase + 1;
    return { removed, added: this.chain.slice(first, first + limit) };
  }

  /** Accepted blocks waiting for their merger; templates list them as extra parents. */
  unmergedHashes(): string[] {
    return this.pending.map((b) => b.hash);
  }

  get(hash: string): AcceptedBlock | undefined {
    return this.accepted.get(hash);
  }

  all(): ReadonlyArray<AcceptedBlock> {
    return [...this.accepted.values()];
  }

  accept(hash: string, payAddress: string, daaScore: bigint, block: Record<string, unknown>): AcceptedBlock {
    const color: BlockColor = this.opts.rng() < this.opts.redRatio ? "red" : "blue";
    const entry: AcceptedBlock = {
      hash, payAddress, color, daaScore, block, merge: null,
      reward: color === "blue" ? this.opts.subsidy : 0n,
    };
    this.accepted.set(hash, entry);
    this.pending.push(entry);
    this.blockCount++;
    if (this.accepted.size > ACCEPTED_KEPT) this.accepted.delete(this.accepted.keys().next().value!);
    return entry;
  }

  /** Another miner extends the chain: the new chain block merges every pending accepted block. */
  tick(now: number): ChainBlock {
    const merged = this.pending.splice(0);
    const blues = merged.filter((b) => b.color === "blue");
    // GHOSTDAG: blue score = selected parent's + the blues of the mergeset (the selected parent included).
    const block: ChainBlock = {
      hash: devnetHash("chain", this.daaScore),
      daaScore: this.daaScore,
      blueScore: this.sinkBlueScore + 1n + BigInt(blues.length),
      timestamp: now,
      mergedBlues: blues,
      mergedReds: merged.filter((b) => b.color === "red"),
    };
    for (const b of merged) b.merge = { chainBlockHash: block.hash, daaScore: block.daaScore, blueScore: block.blueScore };
    this.sink = block.hash;
    this.sinkBlueScore = block.blueScore;
    this.record({ hash: block.hash, blueScore: block.blueScore, acceptedTransactionIds: [] });
    this.blueWork += this.opts.workPerBlock * BigInt(1 + blues.length);
    this.daaScore += 1n + BigInt(merged.length);
    this.blockCount++;
    return block;
  }
}
