// Every op name the node's RpcApiOps enum knows (rusty-kaspa rpc/core/src/api/ops.rs, camelCase on the wire).
// A name outside this set is a malformed message (the node drops the connection); a name inside it that the
// simulator does not handle is answered "RPC method not found", as the node does for unregistered ops.

export const RPC_OPS: ReadonlySet<string> = new Set([
  "ping", "addPeer", "ban", "estimateNetworkHashesPerSecond", "getBalanceByAddress", "getBalancesByAddresses",
  "getBlock", "getBlockCount", "getBlockDagInfo", "getBlocks", "getBlockTemplate", "getCurrentBlockColor",
  "getBlockRewardInfo", "getCoinSupply", "getConnectedPeerInfo", "getDaaScoreTimestampEstimate",
  "getUtxoReturnAddress", "getCurrentNetwork", "getFeeEstimate", "getFeeEstimateExperimental", "getHeaders",
  "getInfo", "getMempoolEntries", "getMempoolEntriesByAddresses", "getMempoolEntry", "getMetrics", "getConnections",
  "getPeerAddresses", "getServerInfo", "getSink", "getSinkBlueScore", "getSubnetwork", "getSyncStatus",
  "getSystemInfo", "getUtxosByAddresses", "getVirtualChainFromBlock", "getVirtualChainFromBlockV2",
  "getSeqCommitLaneProof", "resolveFinalityConflict", "shutdown", "submitBlock", "submitTransaction",
  "submitTransactionReplacement", "unban", "subscribe", "unsubscribe",
  // In the enum but not registered on wRPC (gRPC heritage and notification names).
  "connect", "noOp", "notifyBlockAdded", "notifyNewBlockTemplate", "notifyUtxosChanged", "stopNotifyingUtxosChanged",
  "notifyPruningPointUtxoSetOverride", "stopNotifyingPruningPointUtxoSetOverride", "notifyVirtualDaaScoreChanged",
  "notifyVirtualChainChanged", "notifySinkBlueScoreChanged", "notifyFinalityConflict",
  "blockAddedNotification", "virtualChainChangedNotification", "finalityConflictNotification",
  "finalityConflictResolvedNotification", "utxosChangedNotification", "sinkBlueScoreChangedNotification",
  "virtualDaaScoreChangedNotification", "pruningPointUtxoSetOverrideNotification", "newBlockTemplateNotification",
]);
