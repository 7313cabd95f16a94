// The PPLNS window watermark: the time before which every share the pool accepted is in the database.
// A block's window may be cut once the watermark has passed the moment the block was found; until then a share
// acknowledged before the block (waiting on a node round trip, a slow commit, or in the spool) could be missing.

export class ShareWatermark {
  /** Accepted shares not in the database yet, and holds from stratum, each with its acceptance time. */
  private readonly outstanding = new Map<unknown, number>();

  /** A share accepted at `timestamp` is on its way; it stays outstanding until `settled` is called with `key`. */
  add(key: unknown, timestamp: number): void {
    this.outstanding.set(key, timestamp);
  }

  /** The share is committed (repeats are harmless: a replay may commit a share twice). */
  settled(key: unknown): void {
    this.outstanding.delete(key);
  }

  /** Holds the watermark at `timestamp` until the returned function is called. */
  hold(timestamp: number): () => void {
    const key = {};
    this.add(key, timestamp);
    return () => this.settled(key);
  }

  /**
   * Every share accepted before the returned time (unix ms) is in the database. With nothing outstanding that is
   * now: stratum registers a share (hold) synchronously with taking its timestamp, so no unregistered share
   * can carry an earlier one.
   */
  value(now = Date.now()): number {
    let min = now;
    for (const t of this.outstanding.values()) if (t < min) min = t;
    return min;
  }
}

/** A stored share's identity, the same as its primary key in the database. */
export const shareKey = (s: { run: string; jobId: string; nonce: bigint }): string => `${s.run}\u0000${s.jobId}\u0000${s.nonce}`;
