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

  constructor(private readonly opts: ChainOptions) {
    this.daaScore = opts.startDaaScore;
    // Mainnet keeps blue score roughly 10% below DAA score; any plausible value will do.
    this.sinkBlueScore = (opts.startDaaScore * 9n) / 10n;
    this.blueWork = opts.workPerBlock * opts.startDaaScore;
    this.sink = devnetHash("chain", opts.startDaaScore - 1n);
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
    this.blueWork += this.opts.workPerBlock * BigInt(1 + blues.length);
    this.daaScore += 1n + BigInt(merged.length);
    this.blockCount++;
    return block;
  }
}
