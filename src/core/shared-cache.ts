/**
 * A short-lived, single-flight cache for whole-list vendor answers (vendors with no paging answer
 * everything at once; paging through the answer must not refetch it for every page). Concurrent
 * callers of the same key share one vendor call; failures are not cached.
 */
export class SingleFlightCache<V> {
  readonly #entries = new Map<string, { expires: number; value: Promise<V> }>();

  constructor(
    /** How long a value is kept, ms (0 keeps it only while the call is in flight). */
    private readonly ttlMs: number,
    /** Clock, for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached value of `key`, or the result of `load` (shared with concurrent callers).
   *
   * A hit answers one turn of the event loop later (setImmediate), not in the same microtask run. A
   * request's fields start their vendor calls in one pass, and node writes those requests from
   * process.nextTick, after the running microtasks; a hit answered at once would have the request
   * map and resolve the whole cached page first and keep the vendor calls waiting. This way the
   * calls leave first and the cached page's CPU overlaps their round trips.
   */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > this.now()) return new Promise((resolve) => setImmediate(resolve, hit.value));
    const value = load();
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.#entries.set(key, entry);
    value.then(
      () => {
        entry.expires = this.now() + this.ttlMs;
        if (this.ttlMs <= 0 && this.#entries.get(key) === entry) this.#entries.delete(key);
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * `fn` remembered per argument object for as long as that object lives. For work derived from a
 * cached vendor answer (mapped rows, a filtered list, an index by id): done once per answer rather
 * than once per request, and dropped with the answer. Results are shared, so they are never mutated.
 */
export function byIdentity<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = fn(key);
      memo.set(key, value);
    }
    return value;
  };
}
