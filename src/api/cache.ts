// A small answer cache for pool-wide figures that scan every worker's recent rows (active counts, top miners):
// an answer older than `ttlMs` is still served while one refresh runs in the background, so only the very first
// request waits for the query. Keys come from validated parameters, so the map stays small.

export function refreshing<V>(ttlMs: number, load: (key: string) => Promise<V>, now: () => number): (key: string) => Promise<V> {
  const entries = new Map<string, { at: number; value: Promise<V>; refreshing: boolean }>();
  return (key) => {
    const e = entries.get(key);
    const t = now();
    if (!e) {
      const value = load(key);
      entries.set(key, { at: t, value, refreshing: false });
      value.catch(() => entries.delete(key));
      return value;
    }
    if (t - e.at >= ttlMs && !e.refreshing) {
      e.refreshing = true;
      load(key).then(
        (v) => entries.set(key, { at: now(), value: Promise.resolve(v), refreshing: false }),
        () => (e.refreshing = false),
      );
    }
    return e.value;
  };
}
