// Turns reply params into typed values. Each decoder throws a TypeError naming the bad field; the client reports it
// as a malformed reply. u64 fields become bigint whatever size the node sent.

import { isJsonObject as isObject, toBigInt } from "../common/json.ts";
import { parseTransaction } from "../kaspa/tx/parse.ts";
import type {
  BlockColor, BlockDagInfo, BlockRewardInfo, BlockTemplate, FeeBucket, FeeEstimate, ServerInfo, SubmitBlockResult,
  TransactionReplacement, UtxoEntryWithAddress, UtxosChange, VirtualChain,
} from "./types.ts";

type Obj = Record<string, unknown>;

function obj(value: unknown, what: string): Obj {
  if (!isObject(value)) throw new TypeError(`${what} is not an object`);
  return value;
}

function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new TypeError(`${key} is not a string`);
  return v;
}

function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== "boolean") throw new TypeError(`${key} is not a boolean`);
  return v;
}

/** f64 fields; an integral f64 beyond 2^53 arrives from parseJson as bigint. */
function num(o: Obj, key: string): number {
  const v = typeof o[key] === "bigint" ? Number(o[key]) : o[key];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${key} is not a number`);
  return v;
}

function u64(o: Obj, key: string): bigint {
  const v = o[key];
  if (typeof v === "string") throw new TypeError(`${key} is not an integer`);
  const n = toBigInt(v, key);
  if (n < 0n) throw new TypeError(`${key} is negative`);
  return n;
}

function optional<T>(o: Obj, key: string, read: (o: Obj, key: string) => T): T | null {
  return o[key] === null || o[key] === undefined ? null : read(o, key);
}

function strings(o: Obj, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new TypeError(`${key} is not a list of strings`);
  return v;
}

function list<T>(o: Obj, key: string, item: (v: unknown) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new TypeError(`${key} is not a list`);
  return v.map(item);
}

export function decodeServerInfo(params: unknown): ServerInfo {
  const p = obj(params, "reply");
  return {
    rpcApiVersion: num(p, "rpcApiVersion"),
    serverVersion: str(p, "serverVersion"),
    networkId: str(p, "networkId"),
    hasUtxoIndex: bool(p, "hasUtxoIndex"),
    isSynced: bool(p, "isSynced"),
    virtualDaaScore: u64(p, "virtualDaaScore"),
  };
}

export function decodeBlockTemplate(params: unknown): { block: BlockTemplate; isSynced: boolean } {
  const p = obj(params, "reply");
  const block = obj(p.block, "block");
  obj(block.header, "block.header");
  if (!Array.isArray(block.transactions)) throw new TypeError("block.transactions is not a list");
  return { block: block as BlockTemplate, isSynced: bool(p, "isSynced") };
}

/** SubmitBlockReport is adjacently tagged: {"type":"success"} or {"type":"reject","reason":"blockInvalid"}. */
export function decodeSubmitBlock(params: unknown): SubmitBlockResult {
  const report = obj(obj(params, "reply").report, "report");
  const type = str(report, "type");
  if (type === "success") return { accepted: true, rejectReason: null };
  if (type === "reject") return { accepted: false, rejectReason: typeof report.reason === "string" ? report.reason : "unknown" };
  throw new TypeError(`report.type "${type}" is unknown`);
}

export function decodeBlockDagInfo(params: unknown): BlockDagInfo {
  const p = obj(params, "reply");
  return {
    network: str(p, "network"),
    blockCount: u64(p, "blockCount"),
    headerCount: u64(p, "headerCount"),
    tipHashes: strings(p, "tipHashes"),
    difficulty: num(p, "difficulty"),
    pastMedianTime: u64(p, "pastMedianTime"),
    virtualParentHashes: strings(p, "virtualParentHashes"),
    pruningPointHash: str(p, "pruningPointHash"),
    virtualDaaScore: u64(p, "virtualDaaScore"),
    sink: str(p, "sink"),
  };
}

export function decodeUtxoEntryWithAddress(value: unknown): UtxoEntryWithAddress {
  const e = obj(value, "entry");
  const outpoint = obj(e.outpoint, "outpoint");
  const entry = obj(e.utxoEntry, "utxoEntry");
  const index = num(outpoint, "index");
  if (!Number.isInteger(index) || index < 0) throw new TypeError("index is not a u32");
  return {
    address: str(e, "address"),
    outpoint: { transactionId: str(outpoint, "transactionId"), index },
    utxoEntry: {
      amount: u64(entry, "amount"),
      scriptPublicKey: str(entry, "scriptPublicKey"),
      blockDaaScore: u64(entry, "blockDaaScore"),
      isCoinbase: bool(entry, "isCoinbase"),
      covenantId: optional(entry, "covenantId", str),
    },
  };
}

export function decodeUtxosByAddresses(params: unknown): UtxoEntryWithAddress[] {
  return list(obj(params, "reply"), "entries", decodeUtxoEntryWithAddress);
}

export function decodeUtxosChanged(inner: unknown): UtxosChange {
  const p = obj(inner, "UtxosChanged");
  return { added: list(p, "added", decodeUtxoEntryWithAddress), removed: list(p, "removed", decodeUtxoEntryWithAddress) };
}

export function decodeTransactionId(params: unknown): string {
  return str(obj(params, "reply"), "transactionId");
}

export function decodeBlock(params: unknown): Obj {
  return obj(obj(params, "reply").block, "block");
}

export function decodeBlockColor(params: unknown): { blue: boolean } {
  return { blue: bool(obj(params, "reply"), "blue") };
}

const BLOCK_COLORS: readonly string[] = ["unknown", "blue", "red"] satisfies BlockColor[];

export function decodeBlockRewardInfo(params: unknown): BlockRewardInfo {
  const p = obj(params, "reply");
  const blockColor = str(p, "blockColor");
  if (!BLOCK_COLORS.includes(blockColor)) throw new TypeError(`blockColor "${blockColor}" is unknown`);
  return {
    blockColor: blockColor as BlockColor,
    confirmationCount: optional(p, "confirmationCount", u64),
    mergingChainBlockHash: optional(p, "mergingChainBlockHash", str),
    rewardAmount: optional(p, "rewardAmount", u64),
  };
}

function decodeFeeBucket(value: unknown): FeeBucket {
  const b = obj(value, "bucket");
  return { feerate: num(b, "feerate"), estimatedSeconds: num(b, "estimatedSeconds") };
}

export function decodeFeeEstimate(params: unknown): FeeEstimate {
  const e = obj(obj(params, "reply").estimate, "estimate");
  return {
    priorityBucket: decodeFeeBucket(e.priorityBucket),
    normalBuckets: list(e, "normalBuckets", decodeFeeBucket),
    lowBuckets: list(e, "lowBuckets", decodeFeeBucket),
  };
}

export function decodeVirtualChain(params: unknown): VirtualChain {
  const p = obj(params, "reply");
  return {
    removedChainBlockHashes: strings(p, "removedChainBlockHashes"),
    addedChainBlockHashes: strings(p, "addedChainBlockHashes"),
    acceptedTransactionIds: list(p, "acceptedTransactionIds", (v) => {
      const a = obj(v, "acceptedTransactionIds entry");
      return { acceptingBlockHash: str(a, "acceptingBlockHash"), acceptedTransactionIds: strings(a, "acceptedTransactionIds") };
    }),
  };
}

/** The replaced transaction is parsed losslessly (u64 as bigint); its storageMass is what the node computed. */
export function decodeTransactionReplacement(params: unknown): TransactionReplacement {
  const p = obj(params, "reply");
  const replaced = obj(p.replacedTransaction, "replacedTransaction");
  let tx;
  try {
    tx = parseTransaction(replaced);
  } catch (err) {
    throw new TypeError(`replacedTransaction: ${(err as Error).message}`);
  }
  return { transactionId: str(p, "transactionId"), replacedTransaction: { ...tx, storageMass: u64(replaced, "storageMass") } };
}

/** virtualDaaScoreChangedNotification inner object: {"virtualDaaScore": <u64>}. */
export function decodeVirtualDaaScore(inner: unknown): bigint {
  return u64(obj(inner, "VirtualDaaScoreChanged"), "virtualDaaScore");
}
