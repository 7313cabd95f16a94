// Block templates in the post-Toccata shape (node-rpc.md §5.2), and the memory of served templates that
// submitBlock checks a block against. Everything the simulator does not model (merkle roots, commitments, other
// miners' transactions) is a deterministic stand-in, but every field a real template has is present, plus one
// field no node version has, so a pool that drops fields it does not know is caught.

import { parseJson, stringifyJson, U64_MAX } from "../common/json.ts";
import { SUBNETWORK_COINBASE, SUBNETWORK_NATIVE } from "../kaspa/tx/index.ts";
import { devnetHash } from "./digest.ts";

const PARENT_LEVELS = 4;

export interface TemplateInput {
  daaScore: bigint;
  blueScore: bigint;
  blueWork: bigint;
  /** Direct parents: the sink and any accepted blocks not merged yet. */
  parents: string[];
  pruningPoint: string;
  bits: number;
  timestamp: number;
  subsidy: bigint;
  payScriptPublicKey: string;
  coinbasePayloadHex: string;
}

/** The served template as a client sees it (the parseJson form of what was sent). */
export type RawBlock = { header: Record<string, unknown>; transactions: Record<string, unknown>[] };

export function buildTemplate(t: TemplateInput): RawBlock {
  const transactions = [coinbaseTx(t), fillerTx(t.daaScore)];
  const parentsByLevel = [t.parents];
  for (let level = 1; level < PARENT_LEVELS; level++) {
    // Higher levels change more slowly, as in a real DAG.
    const epoch = t.daaScore >> BigInt(4 * level);
    parentsByLevel.push(Array.from({ length: PARENT_LEVELS - level }, (_, i) => devnetHash("level", level, epoch, i)));
  }
  const header = {
    version: 2,
    parentsByLevel,
    hashMerkleRoot: devnetHash("merkle", stringifyJson(transactions)),
    acceptedIdMerkleRoot: devnetHash("seqcommit", t.parents[0]!),
    utxoCommitment: devnetHash("utxo", t.daaScore),
    timestamp: t.timestamp,
    bits: t.bits,
    nonce: 0,
    daaScore: t.daaScore,
    blueWork: t.blueWork.toString(16).padStart(48, "0"),
    blueScore: t.blueScore,
    pruningPoint: t.pruningPoint,
    devnetUnknownField: devnetHash("unknown", t.daaScore).slice(0, 16),
  };
  return parseJson(stringifyJson({ header, transactions })) as RawBlock;
}

function coinbaseTx(t: TemplateInput): Record<string, unknown> {
  return {
    version: 1,
    inputs: [],
    outputs: [{ value: t.subsidy, scriptPublicKey: t.payScriptPublicKey, verboseData: null, covenant: null }],
    lockTime: 0,
    subnetworkId: SUBNETWORK_COINBASE,
    gas: 0,
    payload: t.coinbasePayloadHex,
    storageMass: 0,
    mass: 0,
    verboseData: null,
  };
}

/** Another user's v1 transaction: computeBudget, a covenant output, non-zero masses and a u64 above 2^53. */
function fillerTx(daaScore: bigint): Record<string, unknown> {
  const spk = (tag: string) => "000020" + devnetHash("spk", tag, daaScore) + "ac";
  return {
    version: 1,
    inputs: [{
      previousOutpoint: { transactionId: devnetHash("prev", daaScore), index: 1 },
      signatureScript: "41" + devnetHash("sig-r", daaScore) + devnetHash("sig-s", daaScore) + "01",
      sequence: U64_MAX,
      sigOpCount: 0,
      computeBudget: 10,
      verboseData: null,
    }],
    outputs: [
      { value: 150_000_000_000n, scriptPublicKey: spk("a"), verboseData: null, covenant: null },
      { value: 49_999_700_000n, scriptPublicKey: spk("b"), verboseData: null,
        covenant: { authorizingInput: 0, covenantId: devnetHash("covenant", daaScore) } },
    ],
    lockTime: 0,
    subnetworkId: SUBNETWORK_NATIVE,
    gas: 0,
    payload: "",
    storageMass: 1011,
    mass: 1011,
    verboseData: null,
  };
}

export interface ServedTemplate {
  block: RawBlock;
  payAddress: string;
  daaScore: bigint;
}

/** Served templates, newest last, bounded; keyed by what a block built from one must still carry. */
export class TemplateStore {
  private readonly served = new Map<string, ServedTemplate>();

  constructor(private readonly capacity: number) {}

  remember(t: ServedTemplate): void {
    const key = templateKey(t.block.header);
    this.served.delete(key);
    this.served.set(key, t);
    if (this.served.size > this.capacity) this.served.delete(this.served.keys().next().value!);
  }

  find(header: Record<string, unknown>): ServedTemplate | undefined {
    return this.served.get(templateKey(header));
  }
}

function templateKey(header: Record<string, unknown>): string {
  const parents = Array.isArray(header.parentsByLevel) ? header.parentsByLevel[0] : undefined;
  return `${String(header.hashMerkleRoot)}/${String(header.timestamp)}/${String(parents)}`;
}
