// The node client's subscriptions: handlers per scope, reconciliation of one socket's server-side
// subscriptions with them (on every new socket and after every change), and delivery of notifications.

import { isJsonObject as isObject } from "../common/json.ts";
import type { Logger } from "../common/log.ts";
import { decodeUtxosChanged, decodeVirtualDaaScore } from "./decode.ts";
import { NodeRpcError, NodeUnavailableError } from "./errors.ts";
import type { UtxosChange } from "./types.ts";

export type Unsubscribe = () => Promise<void>;

/** What the server has confirmed on one socket. A new socket starts empty. */
export interface SocketSubscriptions {
  /** "NewBlockTemplate", "VirtualDaaScoreChanged". */
  readonly scopes: Set<string>;
  /** Addresses acknowledged in UtxosChanged subscriptions. */
  readonly utxoAddresses: Set<string>;
}

/** The open socket, if any, with a way to send a (un)subscribe request on exactly that socket. */
export type CurrentSocket = () => { socket: SocketSubscriptions; call(method: string, params: object): Promise<unknown> } | null;

interface UtxoHandler {
  addresses: Set<string>;
  fn(change: UtxosChange): void;
}

export class Subscriptions {
  private readonly templateHandlers = new Set<() => void>();
  private readonly daaHandlers = new Set<(daaScore: bigint) => void>();
  private readonly utxoHandlers = new Set<UtxoHandler>();
  /** Reconciliations run one at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: Logger, private readonly current: CurrentSocket) {}

  onNewBlockTemplate(fn: () => void): Promise<Unsubscribe> {
    return this.add("NewBlockTemplate", this.templateHandlers, fn);
  }

  onVirtualDaaScoreChanged(fn: (daaScore: bigint) => void): Promise<Unsubscribe> {
    return this.add("VirtualDaaScoreChanged", this.daaHandlers, fn);
  }

  /** Only changes to the given addresses reach fn; an empty list is refused (on the wire it would mean "all"). */
  onUtxosChanged(addresses: string[], fn: (change: UtxosChange) => void): Promise<Unsubscribe> {
    if (addresses.length === 0) return Promise.reject(new Error("onUtxosChanged needs at least one address"));
    return this.add("UtxosChanged", this.utxoHandlers, { addresses: new Set(addresses), fn });
  }

  /** Queues a reconciliation of the current socket with the registered handlers; node refusals come back per scope. */
  sync(): Promise<Map<string, NodeRpcError>> {
    const run = this.chain.then(() => this.reconcile());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Payloads are externally tagged: {"method":"xNotification","params":{"Variant":{…}}}. */
  dispatch(method: string, params: unknown): void {
    try {
      switch (method) {
        case "newBlockTemplateNotification":
          for (const fn of this.templateHandlers) deliver(this.log, method, () => fn());
          return;
        case "virtualDaaScoreChangedNotification": {
          if (this.daaHandlers.size === 0) return;
          const score = decodeVirtualDaaScore(isObject(params) ? params.VirtualDaaScoreChanged : undefined);
          for (const fn of this.daaHandlers) deliver(this.log, method, () => fn(score));
          return;
        }
        case "utxosChangedNotification": {
          if (this.utxoHandlers.size === 0) return;
          const change = decodeUtxosChanged(isObject(params) ? params.UtxosChanged : undefined);
          for (const h of this.utxoHandlers) {
            const added = change.added.filter((e) => h.addresses.has(e.address));
            const removed = change.removed.filter((e) => h.addresses.has(e.address));
            if (added.length || removed.length) deliver(this.log, method, () => h.fn({ added, removed }));
          }
          return;
        }
        default:
          this.log.debug("ignored notification", { method });
      }
    } catch (err) {
      this.log.warn("ignored malformed notification", { method, error: (err as Error).message });
    }
  }

  private async add<H>(scope: string, handlers: Set<H>, handler: H): Promise<Unsubscribe> {
    handlers.add(handler);
    const failure = (await this.sync()).get(scope);
    if (failure) {
      handlers.delete(handler);
      throw failure;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      handlers.delete(handler);
      for (const [name, err] of await this.sync()) {
        this.log.warn("unsubscribe failed", { scope: name, error: err.message });
      }
    };
  }

  /**
   * Subscribes what has handlers and unsubscribes what has none, on the current socket. A lost socket ends the
   * pass quietly, because the next socket starts from scratch anyway.
   */
  private async reconcile(): Promise<Map<string, NodeRpcError>> {
    const failures = new Map<string, NodeRpcError>();
    const current = this.current();
    if (!current) return failures;
    const { socket, call } = current;
    const change = async (scope: string, method: "subscribe" | "unsubscribe", body: object): Promise<boolean> => {
      try {
        await call(method, { [scope]: body });
        return true;
      } catch (err) {
        if (err instanceof NodeRpcError) failures.set(scope, err);
        else if (!(err instanceof NodeUnavailableError)) throw err;
        return false;
      }
    };
    try {
      for (const [scope, handlers] of [["NewBlockTemplate", this.templateHandlers], ["VirtualDaaScoreChanged", this.daaHandlers]] as const) {
        const want = handlers.size > 0;
        if (want && !socket.scopes.has(scope)) {
          if (await change(scope, "subscribe", {})) socket.scopes.add(scope);
        } else if (!want && socket.scopes.has(scope)) {
          if (await change(scope, "unsubscribe", {})) socket.scopes.delete(scope);
        }
      }
      const wanted = new Set<string>();
      for (const h of this.utxoHandlers) for (const a of h.addresses) wanted.add(a);
      const add = [...wanted].filter((a) => !socket.utxoAddresses.has(a));
      const remove = [...socket.utxoAddresses].filter((a) => !wanted.has(a));
      if (add.length && (await change("UtxosChanged", "subscribe", { addresses: add }))) {
        for (const a of add) socket.utxoAddresses.add(a);
      }
      if (remove.length && (await change("UtxosChanged", "unsubscribe", { addresses: remove }))) {
        for (const a of remove) socket.utxoAddresses.delete(a);
      }
    } catch (err) {
      this.log.error("subscription sync failed", { error: (err as Error).message });
    }
    return failures;
  }
}

/** Runs a subscriber so that neither a throw nor a rejected promise from it escapes into the client. */
export function deliver(log: Logger, what: string, run: () => unknown): void {
  const report = (err: unknown) => log.error("subscriber failed", { notification: what, error: String((err as Error)?.message ?? err) });
  try {
    const out = run();
    if (out instanceof Promise) out.catch(report);
  } catch (err) {
    report(err);
  }
}
