// RPC method table: reads params the way the node's serde structs would, calls the simulated node and shapes
// the reply as rusty-kaspa's response structs serialize (node-rpc.md §4-§5). Ops without an entry here are
// answered "RPC method not found".

import { BadParams, RpcError } from "./errors.ts";
import type { DevnetNode } from "./node.ts";
import { NETWORK_ID, SERVER_VERSION } from "./network.ts";
import { asObject, readArray, readBool, readBytes, readHash, readString, toU64 } from "./params.ts";
import type { Connection } from "./server.ts";
import { parseScope } from "./subscriptions.ts";

type Method = (node: DevnetNode, params: Record<string, unknown>, conn: Connection) => unknown;

/** getVirtualChainFromBlock's batch: ten mergeset size limits at 10 BPS (rpc/service/src/service.rs). */
const VIRTUAL_CHAIN_BATCH = 2480;

const METHODS: Record<string, Method> = {
  ping: () => ({}),

  getServerInfo: (node) => ({
    rpcApiVersion: 1, rpcApiRevision: 0, serverVersion: SERVER_VERSION, networkId: NETWORK_ID,
    hasUtxoIndex: true, isSynced: true, virtualDaaScore: node.chain.daaScore,
  }),

  getInfo: (node) => ({
    p2pId: "6b617370-6f6f-4c2d-6465-766e65740000", mempoolSize: node.mempool.size(), serverVersion: SERVER_VERSION,
    isUtxoIndexed: true, isSynced: true, hasNotifyCommand: true, hasMessageId: true,
  }),

  getCurrentNetwork: () => ({ network: NETWORK_ID }),

  getBlockDagInfo: (node) => ({
    network: NETWORK_ID, blockCount: node.chain.blockCount, headerCount: node.chain.blockCount,
    tipHashes: [node.chain.sink], difficulty: node.opts.difficulty * 2 ** 31, pastMedianTime: node.pastMedianTime(),
    virtualParentHashes: [node.chain.sink], pruningPointHash: node.pruningPoint,
    virtualDaaScore: node.chain.daaScore, sink: node.chain.sink,
  }),

  getBlockCount: (node) => ({ headerCount: node.chain.blockCount, blockCount: node.chain.blockCount }),
  getSink: (node) => ({ sink: node.chain.sink }),
  getSinkBlueScore: (node) => ({ blueScore: node.chain.sinkBlueScore }),

  getFeeEstimate: (node) => ({
    estimate: {
      priorityBucket: { feerate: node.marketFeerate, estimatedSeconds: 0.004 },
      normalBuckets: [{ feerate: node.marketFeerate, estimatedSeconds: 0.004 }],
      lowBuckets: [{ feerate: node.marketFeerate, estimatedSeconds: 0.004 }],
    },
  }),

  getBlockTemplate: (node, p) => ({
    block: node.blockTemplate(readString(p, "payAddress"), readBytes(p, "extraData")),
    isSynced: true,
  }),

  submitBlock: (node, p) => {
    // The node takes allowNonDaaBlocks and, as an alias, allowNonDAABlocks.
    const allow = "allowNonDaaBlocks" in p ? readBool(p, "allowNonDaaBlocks") : readBool(p, "allowNonDAABlocks");
    const accepted = node.submitBlock(p.block, allow);
    return { report: accepted ? { type: "success" } : { type: "reject", reason: "blockInvalid" } };
  },

  submitTransaction: (node, p) => {
    // allowOrphan is required on the wire but only honoured by a node run with --unsaferpc, which this is not.
    readBool(p, "allowOrphan");
    return { transactionId: node.mempool.submit(p.transaction).id };
  },

  submitTransactionReplacement: (node, p) => {
    const { id, replaced } = node.mempool.submit(p.transaction, "mandatory");
    return { transactionId: id, replacedTransaction: replaced };
  },

  getVirtualChainFromBlock: (node, p) => {
    const startHash = readHash(p, "startHash");
    const includeIds = readBool(p, "includeAcceptedTransactionIds");
    const minConfirmations = p.minConfirmationCount === undefined || p.minConfirmationCount === null ? 0n : toU64(p.minConfirmationCount, "minConfirmationCount");
    const path = node.chain.pathFrom(startHash, VIRTUAL_CHAIN_BATCH);
    if (!path) throw new RpcError(`cannot find header ${startHash}`);
    // Only chain blocks with more than minConfirmationCount blue score on top of them are reported.
    const added = minConfirmations > 0n ? path.added.filter((b) => node.chain.sinkBlueScore - b.blueScore > minConfirmations) : path.added;
    return {
      removedChainBlockHashes: path.removed,
      addedChainBlockHashes: added.map((b) => b.hash),
      acceptedTransactionIds: includeIds ? added.map((b) => ({ acceptingBlockHash: b.hash, acceptedTransactionIds: b.acceptedTransactionIds })) : [],
    };
  },

  getBlock: (node, p) => {
    const hash = readHash(p, "hash");
    const includeTransactions = readBool(p, "includeTransactions");
    const b = node.chain.get(hash);
    if (!b) throw new RpcError(`Block ${hash} not found`);
    return { block: node.blockView(b, includeTransactions) };
  },

  getCurrentBlockColor: (node, p) => {
    const hash = readHash(p, "hash");
    const b = node.chain.get(hash);
    if (!b?.merge) throw new RpcError(`Block ${hash} doesn't have any merger block.`);
    return { blue: b.color === "blue" };
  },

  getBlockRewardInfo: (node, p) => {
    const hash = readHash(p, "hash");
    const b = node.chain.get(hash);
    if (!b) throw new RpcError(`Block ${hash} not found`);
    const header = node.blockView(b, false).header;
    if (!b.merge) return { header, blockColor: "unknown", confirmationCount: null, mergingChainBlockHash: null, rewardAmount: null };
    return {
      header,
      blockColor: b.color,
      confirmationCount: node.chain.sinkBlueScore - b.merge.blueScore,
      mergingChainBlockHash: b.merge.chainBlockHash,
      rewardAmount: b.color === "blue" ? b.reward : null,
    };
  },

  getUtxosByAddresses: (node, p) => {
    const addresses = readAddresses(node, readArray(p, "addresses"));
    return { entries: node.utxos.byAddresses(addresses) };
  },

  getBalanceByAddress: (node, p) => {
    const address = readString(p, "address");
    node.requireAddress(address);
    return { balance: node.utxos.balance(address) };
  },

  getBalancesByAddresses: (node, p) => ({
    entries: readAddresses(node, readArray(p, "addresses")).map((address) => ({ address, balance: node.utxos.balance(address) })),
  }),

  subscribe: (node, p, conn) => {
    node.subs.subscribe(conn, parseScope(p, (a) => node.requireAddress(a)));
    return { id: conn.id };
  },

  unsubscribe: (node, p, conn) => {
    node.subs.unsubscribe(conn, parseScope(p, (a) => node.requireAddress(a)));
    return {};
  },
};

function readAddresses(node: DevnetNode, list: unknown[]): string[] {
  return list.map((a) => {
    if (typeof a !== "string") throw new BadParams("address is not a string");
    node.requireAddress(a);
    return a;
  });
}

/** Runs one request; throws RpcError / BadParams for the server to turn into an error reply. */
export function dispatch(node: DevnetNode, conn: Connection, method: string, params: unknown): unknown {
  const handler = METHODS[method];
  if (!handler) throw new RpcError("RPC method not found");
  return handler(node, asObject(params), conn);
}
