// Errors a NodeClient caller can tell apart: the node answered "no", or there was no node to ask.

/** The node replied with an error, or with a reply this client could not make sense of. */
export class NodeRpcError extends Error {
  override readonly name = "NodeRpcError";
  constructor(readonly method: string, message: string) {
    super(message);
  }
}

/** No connection to a node, or the connection was lost before the reply came. Safe to retry later. */
export class NodeUnavailableError extends Error {
  override readonly name: string = "NodeUnavailableError";
}

/** The node did not reply in time; the request may or may not have been processed. */
export class NodeTimeoutError extends NodeUnavailableError {
  override readonly name = "NodeTimeoutError";
}
