// The simulated node: chain, served templates, UTXO index, mempool and subscriptions, and the operations the RPC
// methods and the in-process API call. No sockets here; the server and the tick timer live in index.ts.

import type { Logger } from "../common/log.ts";
import { addressToScriptPublicKey, decodeAddress } from "../kaspa/address.ts";
import { blockHash, parseHeader, prePowHash } from "../kaspa/header.ts";
import { PowState } from "../kaspa/pow/index.ts";
import { bitsToTarget, difficultyToTarget, targetToBits } from "../kaspa/target.ts";
import { coinbasePayload } from "../kaspa/tx/index.ts";
import { Chain, type AcceptedBlock } from "./chain.ts";
import { devnetHash } from "./digest.ts";
import { BadParams, RpcError } from "./errors.ts";
import { Mempool } from "./mempool.ts";
import { isJsonObject as isObject } from "../common/json.ts";
import { toU64 } from "./params.ts";
import { firstDifference } from "./sameBlock.ts";
import { seededRng } from "./rng.ts";
import { Subscriptions } from "./subscriptions.ts";
import { ADDRESS_PREFIX, MIN_FEERATE, SERVER_VERSION } from "./network.ts";
import { buildTemplate, TemplateStore, type RawBlock } from "./templates.ts";
import { UtxoSet, type UtxoDiff, type UtxoRecord } from "./utxo.ts";

/** Mainnet's per-block subsidy at DAA score 500,000,000 (kaspa-mining.md §6): 2.44997148 KAS. */
export const SUBSIDY = 244_997_148n;
export const START_DAA_SCORE = 500_000_000n;
/** The node rejects blocks whose DAA score is further behind than the difficulty window (40·661 at 10 BPS). */
const STALE_DAA_WINDOW = 26_440n;
const MAX_COINBASE_PAYLOAD = 204;
const TEMPLATES_KEPT = 4096;

export interface NodeOptions {
  difficulty: number;
  redRatio: number;
  maturity: bigint;
  seed: number;
  log: Logger;
}

export class DevnetNode {
  readonly chain: Chain;
  readonly utxos = new UtxoSet();
  readonly subs = new Subscriptions();
  readonly bits: number;
  readonly mempool: Mempool;
  readonly pruningPoint = devnetHash("pruning-point");
  private readonly templates = new TemplateStore(TEMPLATES_KEPT);
  private readonly log: Logger;
  private lastTimestamp = 0;
  private fundings = 0;
  /** sompi/gram a transaction must pay to get into a block: the minimum, or more while the test congests the network. */
  marketFeerate = MIN_FEERATE;

  constructor(readonly opts: NodeOptions) {
    this.log = opts.log;
    this.bits = targetToBits(difficultyToTarget(opts.difficulty));
    // Expected hashes per block = 2^256 / target.
    const workPerBlock = (1n << 256n) / (bitsToTarget(this.bits) + 1n);
    this.chain = new Chain({ startDaaScore: START_DAA_SCORE, redRatio: opts.redRatio, rng: seededRng(opts.seed), workPerBlock, subsidy: SUBSIDY });
    this.mempool = new Mempool({
      utxos: this.utxos, maturity: opts.maturity, daaScore: () => this.chain.daaScore, pastMedianTime: () => BigInt(this.pastMedianTime()),
    });
  }

  /** Virtual's past median time: the devnet's chain blocks are "now", so a second behind. */
  pastMedianTime(): number {
    return Date.now() - 1000;
  }

  /** An address the node could not deserialize is BadParams; a valid one of another network is the node's InvalidPrefix. */
  requireAddress(address: string): void {
    let prefix: string;
    try {
      prefix = decodeAddress(address).prefix;
    } catch {
      throw new BadParams(`invalid address ${address}`);
    }
    if (prefix !== ADDRESS_PREFIX) throw new RpcError(`Invalid prefix ${prefix}`);
  }

  blockTemplate(payAddress: string, extraData: Uint8Array): RawBlock {
    this.requireAddress(payAddress);
    const spk = addressToScriptPublicKey(payAddress);
    const extra = new Uint8Array([...new TextEncoder().encode(SERVER_VERSION + "/"), ...extraData]);
    const blueScore = this.chain.sinkBlueScore + 1n;
    let payload: string;
    try {
      payload = coinbasePayload(blueScore, SUBSIDY, spk, extra);
    } catch {
      // A devnet address's script is always short, so only the extra data can push the payload over the limit.
      throw new RpcError(`Coinbase payload is above max length (${MAX_COINBASE_PAYLOAD}). Try to shorten the extra data.`);
    }
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp);
    const block = buildTemplate({
      daaScore: this.chain.daaScore,
      blueScore,
      blueWork: this.chain.blueWork,
      parents: [this.chain.sink, ...this.chain.unmergedHashes()],
      pruningPoint: this.pruningPoint,
      bits: this.bits,
      timestamp: this.lastTimestamp,
      subsidy: SUBSIDY,
      payScriptPublicKey: spk,
      coinbasePayloadHex: payload,
    });
    this.templates.remember({ block, payAddress, daaScore: this.chain.daaScore });
    return block;
  }

  /** Returns true if accepted (or already known), false for the node's "blockInvalid". */
  submitBlock(block: unknown, allowNonDaaBlocks: boolean): boolean {
    if (!isObject(block) || !isObject(block.header) || !Array.isArray(block.transactions)) {
      throw new BadParams("block is not an RpcRawBlock");
    }
    const nonce = toU64(block.header.nonce, "header.nonce");
    // A block the node has already is a success even once its template is forgotten, as in rusty-kaspa, whose
    // header processor returns the stored status of a known block; only the RPC's stale-DAA check comes first.
    const known = this.knownBlock(block.header);
    if (known && (allowNonDaaBlocks || !this.isStale(known.daaScore))) return true;
    const served = this.templates.find(block.header);
    if (!served) return this.reject("no served template matches the block");
    const changed = firstDifference(served.block, block);
    if (changed) return this.reject(`${changed} differs from the template`);
    if (!allowNonDaaBlocks && this.isStale(served.daaScore)) {
      return this.reject("block is too far behind virtual's DAA score");
    }
    const header = parseHeader(block.header);
    const hash = blockHash(header);
    const pow = new PowState(prePowHash(header), header.timestamp).pow(nonce);
    if (pow > bitsToTarget(this.bits)) return this.reject("block has invalid proof of work");
    const accepted = this.chain.accept(hash, served.payAddress, served.daaScore, block);
    this.log.info("block accepted", { hash, color: accepted.color, payAddress: served.payAddress });
    this.subs.publish("BlockAdded", () => ({ block: this.blockView(accepted, true) }));
    this.subs.publish("NewBlockTemplate", () => ({}));
    return true;
  }

  private knownBlock(header: Record<string, unknown>): AcceptedBlock | undefined {
    try {
      return this.chain.get(blockHash(parseHeader(header)));
    } catch {
      return undefined; // not a header at all: the template check below says why
    }
  }

  private isStale(daaScore: bigint): boolean {
    return daaScore + STALE_DAA_WINDOW < this.chain.daaScore;
  }

  private reject(reason: string): false {
    this.log.info("block rejected", { reason });
    return false;
  }

  /** One step of the network: a chain block merges what was accepted, the UTXO set and subscribers follow. */
  tick(): void {
    const cb = this.chain.tick(Date.now());
    const diff: UtxoDiff = { added: [], removed: [] };
    cb.mergedBlues.forEach((b, index) => {
      const record: UtxoRecord = {
        address: b.payAddress,
        outpoint: { transactionId: devnetHash("coinbase", cb.hash), index },
        utxoEntry: {
          amount: b.reward, scriptPublicKey: addressToScriptPublicKey(b.payAddress),
          blockDaaScore: cb.daaScore, isCoinbase: true, covenantId: null,
        },
      };
      this.utxos.add(record);
      diff.added.push(record);
    });
    // Idle, every valid transaction gets in (the relay minimum is checked on a smaller mass than the feerate's).
    const txIds = this.mempool.commit(cb.daaScore, diff, this.marketFeerate > MIN_FEERATE ? this.marketFeerate : 0);
    this.chain.setAccepted(cb.hash, txIds);
    this.subs.publishUtxos(diff);
    this.subs.publish("VirtualChainChanged", (l) => ({
      removedChainBlockHashes: [],
      addedChainBlockHashes: [cb.hash],
      acceptedTransactionIds: l.includeAcceptedTxIds ? [{ acceptingBlockHash: cb.hash, acceptedTransactionIds: txIds }] : [],
    }));
    this.subs.publish("SinkBlueScoreChanged", () => ({ sinkBlueScore: this.chain.sinkBlueScore }));
    this.subs.publish("VirtualDaaScoreChanged", () => ({ virtualDaaScore: this.chain.daaScore }));
    this.subs.publish("NewBlockTemplate", () => ({}));
  }

  /** Creates a UTXO out of thin air; `mature: false` makes it a fresh coinbase output that must wait out maturity. */
  fund(address: string, amount: bigint, mature: boolean): { transactionId: string; index: number } {
    this.requireAddress(address);
    if (amount <= 0n) throw new RangeError("amount must be positive");
    const outpoint = { transactionId: devnetHash("fund", this.fundings++, address, amount), index: 0 };
    const record: UtxoRecord = {
      address, outpoint,
      utxoEntry: {
        amount, scriptPublicKey: addressToScriptPublicKey(address),
        blockDaaScore: this.chain.daaScore, isCoinbase: !mature, covenantId: null,
      },
    };
    this.utxos.add(record);
    this.subs.publishUtxos({ added: [record], removed: [] });
    return outpoint;
  }

  /** getBlock's RpcBlock: header with hash, the transactions, verbose data describing its merge. */
  blockView(b: AcceptedBlock, includeTransactions: boolean): Record<string, unknown> {
    const header: Record<string, unknown> = { hash: b.hash, ...(b.block.header as Record<string, unknown>) };
    const txs = b.block.transactions as Record<string, unknown>[];
    return {
      header,
      transactions: includeTransactions ? txs : [],
      verboseData: {
        hash: b.hash,
        difficulty: this.opts.difficulty * 2 ** 31,
        selectedParentHash: (header.parentsByLevel as string[][])[0]![0],
        transactionIds: txs.map((_, i) => devnetHash("txid", b.hash, i)),
        isHeaderOnly: false,
        blueScore: header.blueScore,
        childrenHashes: b.merge ? [b.merge.chainBlockHash] : [],
        mergeSetBluesHashes: [],
        mergeSetRedsHashes: [],
        isChainBlock: false,
      },
    };
  }
}
