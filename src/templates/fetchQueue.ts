// Template requests of every follower go through one queue with bounded concurrency: a new-template signal
// marks followers due instead of firing one getBlockTemplate each at once, so a found block's submitBlock waits
// behind at most CONCURRENCY template requests on the node socket, not behind hundreds.

/** Something that fetches its template; `urgent` ones (the PPLNS template, most of the hashrate) go first. */
export interface Fetcher {
  readonly urgent: boolean;
  fetch(): Promise<void>;
}

/** Enough to overlap the node's work with ours; few enough that a submitBlock is not held up. */
export const FETCH_CONCURRENCY = 4;

export class FetchQueue {
  /** Sets keep order and make scheduling a waiting fetcher again a no-op: that is the coalescing. */
  private readonly urgent = new Set<Fetcher>();
  private readonly normal = new Set<Fetcher>();
  private readonly running = new Set<Fetcher>();
  /** Scheduled while running: fetched once more afterwards, since its fetch may predate the signal. */
  private readonly again = new Set<Fetcher>();

  constructor(private readonly concurrency = FETCH_CONCURRENCY) {}

  schedule(fetcher: Fetcher): void {
    if (this.running.has(fetcher)) this.again.add(fetcher);
    else (fetcher.urgent ? this.urgent : this.normal).add(fetcher);
    this.pump();
  }

  /** Forgets a fetcher that stops; a fetch already running finishes on its own. */
  remove(fetcher: Fetcher): void {
    this.urgent.delete(fetcher);
    this.normal.delete(fetcher);
    this.again.delete(fetcher);
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const next = first(this.urgent) ?? first(this.normal);
      if (!next) return;
      this.urgent.delete(next);
      this.normal.delete(next);
      this.running.add(next);
      // fetch() reports its own failures; a throw here would be our bug, and must not stall the queue.
      void next.fetch().catch(() => undefined).finally(() => {
        this.running.delete(next);
        if (this.again.delete(next)) (next.urgent ? this.urgent : this.normal).add(next);
        this.pump();
      });
    }
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}
