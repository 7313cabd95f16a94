// The simulator's UTXO set with an address index, holding entries in the RPC shape (RpcUtxosByAddressesEntry) so
// queries and utxosChanged notifications hand them out as they are.

// The wire shapes are the node client's: the simulator must hand out exactly what a node does.
import type { Outpoint, UtxoEntryWithAddress } from "../node/types.ts";

export type { Outpoint };
export type UtxoRecord = UtxoEntryWithAddress;

/** One block's effect on the UTXO set, as utxosChangedNotification reports it. */
export interface UtxoDiff {
  added: UtxoRecord[];
  removed: UtxoRecord[];
}

export const outpointKey = (o: Outpoint): string => `${o.transactionId}:${o.index}`;

export class UtxoSet {
  private readonly byOutpoint = new Map<string, UtxoRecord>();
  private readonly byAddress = new Map<string, Set<string>>();

  get(outpoint: Outpoint): UtxoRecord | undefined {
    return this.byOutpoint.get(outpointKey(outpoint));
  }

  add(record: UtxoRecord): void {
    const key = outpointKey(record.outpoint);
    this.byOutpoint.set(key, record);
    let keys = this.byAddress.get(record.address);
    if (!keys) this.byAddress.set(record.address, (keys = new Set()));
    keys.add(key);
  }

  remove(outpoint: Outpoint): UtxoRecord | undefined {
    const key = outpointKey(outpoint);
    const record = this.byOutpoint.get(key);
    if (!record) return undefined;
    this.byOutpoint.delete(key);
    this.byAddress.get(record.address)?.delete(key);
    return record;
  }

  byAddresses(addresses: Iterable<string>): UtxoRecord[] {
    const out: UtxoRecord[] = [];
    for (const address of new Set(addresses)) {
      for (const key of this.byAddress.get(address) ?? []) out.push(this.byOutpoint.get(key)!);
    }
    return out;
  }

  balance(address: string): bigint {
    return this.byAddresses([address]).reduce((sum, r) => sum + r.utxoEntry.amount, 0n);
  }
}
