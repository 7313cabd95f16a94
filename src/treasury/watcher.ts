// Follows the pool wallet at the node: its UTXOs (a full read, then UtxosChanged) and the virtual DAA score. After
// every reconnect it reads the whole set again, since notifications sent while disconnected are lost.

import type { Logger } from "../common/log.ts";
import type { NodeClient } from "../node/client.ts";
import type { Unsubscribe } from "../node/subscriptions.ts";
import type { UtxoEntryWithAddress } from "../node/types.ts";
import type { PoolUtxo } from "./holdings.ts";

export type WalletNode = Pick<NodeClient, "getUtxosByAddresses" | "getBlockDagInfo" | "onUtxosChanged" | "onVirtualDaaScoreChanged" | "on">;

const key = (e: UtxoEntryWithAddress) => `${e.outpoint.transactionId}:${e.outpoint.index}`;

function toPoolUtxo(e: UtxoEntryWithAddress): PoolUtxo {
  return {
    outpoint: key(e), transactionId: e.outpoint.transactionId, index: e.outpoint.index, amount: e.utxoEntry.amount,
    scriptPublicKey: e.utxoEntry.scriptPublicKey, blockDaaScore: e.utxoEntry.blockDaaScore, isCoinbase: e.utxoEntry.isCoinbase,
  };
}

export class TreasuryWatcher {
  private readonly utxos = new Map<string, PoolUtxo>();
  private daaScore = 0n;
  private synced = false;
  private readonly stops: (Unsubscribe | (() => void))[] = [];

  constructor(private readonly node: WalletNode, readonly address: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    // Subscribe first, so nothing that changes between the read and the subscription is missed.
    this.stops.push(await this.node.onUtxosChanged([this.address], (c) => {
      for (const e of c.removed) this.utxos.delete(key(e));
      for (const e of c.added) if (e.address === this.address) this.utxos.set(key(e), toPoolUtxo(e));
    }));
    this.stops.push(await this.node.onVirtualDaaScoreChanged((score) => {
      if (score > this.daaScore) this.daaScore = score;
    }));
    this.stops.push(this.node.on("disconnected", () => (this.synced = false)));
    await this.resync();
  }

  /** Reads the whole set again; cheap enough to also run before every payout cycle. */
  async resync(): Promise<void> {
    const [entries, dag] = await Promise.all([this.node.getUtxosByAddresses([this.address]), this.node.getBlockDagInfo()]);
    this.utxos.clear();
    for (const e of entries) if (e.address === this.address) this.utxos.set(key(e), toPoolUtxo(e));
    if (dag.virtualDaaScore > this.daaScore) this.daaScore = dag.virtualDaaScore;
    if (!this.synced) this.log.debug("treasury synced", { utxos: this.utxos.size });
    this.synced = true;
  }

  get virtualDaaScore(): bigint {
    return this.daaScore;
  }

  snapshot(): PoolUtxo[] {
    return [...this.utxos.values()];
  }

  has(outpoint: string): boolean {
    return this.utxos.has(outpoint);
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
  }
}
