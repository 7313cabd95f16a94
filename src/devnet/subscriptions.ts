// Per-connection subscriptions (node-rpc.md §4). A Scope is an externally tagged enum: {"<Variant>":{…}}.
// UtxosChanged address sets accumulate per connection; an empty list means every address.

import { BadParams } from "./errors.ts";
import { encodeNotification } from "./framing.ts";
import { isJsonObject as isObject } from "../common/json.ts";
import { asObject } from "./params.ts";
import type { Connection } from "./server.ts";
import type { UtxoDiff, UtxoRecord } from "./utxo.ts";

export const SCOPES = [
  "BlockAdded", "VirtualChainChanged", "FinalityConflict", "FinalityConflictResolved", "UtxosChanged",
  "SinkBlueScoreChanged", "VirtualDaaScoreChanged", "PruningPointUtxoSetOverride", "NewBlockTemplate",
] as const;
export type ScopeName = (typeof SCOPES)[number];

interface Listener {
  conn: Connection;
  scopes: Set<ScopeName>;
  /** UtxosChanged filter; empty with the scope set = all addresses. */
  addresses: Set<string>;
  includeAcceptedTxIds: boolean;
}

export interface ParsedScope {
  name: ScopeName;
  addresses: string[];
  includeAcceptedTxIds: boolean;
}

/** Validates a Scope value; `checkAddress` throws BadParams for an address the node could not deserialize. */
export function parseScope(params: unknown, checkAddress: (a: string) => void): ParsedScope {
  const obj = asObject(params);
  const keys = Object.keys(obj);
  if (keys.length !== 1 || !(SCOPES as readonly string[]).includes(keys[0]!)) throw new BadParams("unknown scope");
  const name = keys[0] as ScopeName;
  const inner = obj[name];
  if (!isObject(inner)) throw new BadParams(`${name} scope is not an object`);
  let addresses: string[] = [];
  if (name === "UtxosChanged") {
    if (!Array.isArray(inner.addresses)) throw new BadParams("addresses is not an array");
    addresses = inner.addresses.map((a) => {
      if (typeof a !== "string") throw new BadParams("address is not a string");
      checkAddress(a);
      return a;
    });
  }
  // The node's VirtualChainChanged scope field is snake_case (no rename on scope structs).
  const include = inner.include_accepted_transaction_ids;
  if (name === "VirtualChainChanged" && typeof include !== "boolean") throw new BadParams("include_accepted_transaction_ids is not a bool");
  return { name, addresses, includeAcceptedTxIds: include === true };
}

export class Subscriptions {
  private readonly listeners = new Map<number, Listener>();

  subscribe(conn: Connection, scope: ParsedScope): void {
    let l = this.listeners.get(conn.id);
    if (!l) this.listeners.set(conn.id, (l = { conn, scopes: new Set(), addresses: new Set(), includeAcceptedTxIds: false }));
    if (scope.name === "UtxosChanged") {
      // Subscribing to all after specific addresses (or the reverse) widens to all.
      if (scope.addresses.length === 0 || (l.scopes.has("UtxosChanged") && l.addresses.size === 0)) l.addresses.clear();
      else for (const a of scope.addresses) l.addresses.add(a);
    }
    if (scope.name === "VirtualChainChanged") l.includeAcceptedTxIds = scope.includeAcceptedTxIds;
    l.scopes.add(scope.name);
  }

  unsubscribe(conn: Connection, scope: ParsedScope): void {
    const l = this.listeners.get(conn.id);
    if (!l) return;
    if (scope.name === "UtxosChanged" && scope.addresses.length > 0) {
      for (const a of scope.addresses) l.addresses.delete(a);
      if (l.addresses.size > 0) return;
    }
    l.scopes.delete(scope.name);
    if (scope.name === "UtxosChanged") l.addresses.clear();
  }

  remove(conn: Connection): void {
    this.listeners.delete(conn.id);
  }

  /** Sends `{"method":"<x>Notification","params":{"<Scope>":payload}}` to every listener of the scope. */
  publish(scope: ScopeName, payload: (l: { includeAcceptedTxIds: boolean }) => unknown): void {
    const method = scope[0]!.toLowerCase() + scope.slice(1) + "Notification";
    for (const l of this.listeners.values()) {
      if (l.scopes.has(scope)) l.conn.send(encodeNotification(method, { [scope]: payload(l) }));
    }
  }

  /** UtxosChanged goes only to listeners with at least one changed address, with entries filtered to theirs. */
  publishUtxos(diff: UtxoDiff): void {
    if (diff.added.length === 0 && diff.removed.length === 0) return;
    for (const l of this.listeners.values()) {
      if (!l.scopes.has("UtxosChanged")) continue;
      const mine = (r: UtxoRecord) => l.addresses.size === 0 || l.addresses.has(r.address);
      const added = diff.added.filter(mine);
      const removed = diff.removed.filter(mine);
      if (added.length || removed.length) {
        l.conn.send(encodeNotification("utxosChangedNotification", { UtxosChanged: { added, removed } }));
      }
    }
  }

  hasListeners(scope: ScopeName): boolean {
    for (const l of this.listeners.values()) if (l.scopes.has(scope)) return true;
    return false;
  }
}
