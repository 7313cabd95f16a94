// Job ids: short decimal strings (as the Go bridges and Miningcore send them, spec §3.5), shared by every
// follower so that an id names one job pool-wide, and never handed out again while a job holding it is cached.

/** Ids wrap here: far more than any cache holds, short enough for any miner's buffers. */
const ID_SPACE = 1_000_000_000;

export class JobIds {
  private counter = 0;
  private readonly live = new Set<string>();

  constructor(private readonly space = ID_SPACE) {}

  take(): string {
    if (this.live.size >= this.space) throw new Error("every job id is in use");
    let id: string;
    do {
      this.counter = (this.counter % this.space) + 1;
      id = String(this.counter);
    } while (this.live.has(id));
    this.live.add(id);
    return id;
  }

  release(id: string): void {
    this.live.delete(id);
  }
}
