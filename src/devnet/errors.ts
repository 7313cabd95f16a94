// The two kinds of error a handler may throw. Their message goes to the client verbatim, so it never holds a stack
// trace or internal detail; anything else thrown is logged and answered with a generic text (see server.ts).

/** A domain error, worded like the node's RpcError Display text. */
export class RpcError extends Error {
  override readonly name = "RpcError";
}

/** Params that do not fit the request struct; the node answers every such case with this one text. */
export class BadParams extends Error {
  override readonly name = "BadParams";
  constructor(readonly detail: string) {
    super("request deserialization error");
  }
}
