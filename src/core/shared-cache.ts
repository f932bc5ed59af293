import { sharedFill, type SharedSpace } from './shared-fill.ts';

/**
 * A short-lived, single-flight cache for whole-list vendor answers (vendors with no paging answer
 * everything at once; paging through the answer must not refetch it for every page). Concurrent
 * callers of the same key share one vendor call; failures are not cached. With a shared space the
 * answers are also shared by the replicas of a deployment: one replica calls the vendor per window,
 * the others read its answer (JSON) once per window and keep it here until the same expiry.
 */
export class SingleFlightCache<V> {
  readonly #entries = new Map<string, { expires: number; value: Promise<V> }>();
  /** Keys whose answers were shared, so clear() forgets them everywhere. */
  readonly #sharedKeys = new Set<string>();

  constructor(
    /** How long a value is kept, ms (0 keeps it only while the call is in flight). */
    private readonly ttlMs: number,
    /** Clock, for tests. */
    private readonly now: () => number = Date.now,
    /** The source's shared space (Redis with replicas); absent: this process only. */
    private readonly shared?: SharedSpace | undefined,
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
    const loaded = this.shared && this.ttlMs > 0 ? this.#loadShared(this.shared, key, load) : load().then((v) => ({ v, expires: this.now() + this.ttlMs }));
    const value = loaded.then((x) => x.v);
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.#entries.set(key, entry);
    loaded.then(
      (x) => {
        entry.expires = x.expires;
        if (this.ttlMs <= 0 && this.#entries.get(key) === entry) this.#entries.delete(key);
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  /**
   * Calls `load` now, whatever is cached, and keeps its answer as the key's value for a new window,
   * in the shared store too: a caller that needs a fresh answer refreshes the cache for everyone
   * instead of dropping it.
   */
  refresh(key: string, load: () => Promise<V>): Promise<V> {
    const value = load();
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.#entries.set(key, entry);
    value.then(
      (v) => {
        const expires = this.now() + this.ttlMs;
        entry.expires = expires;
        if (this.ttlMs <= 0) {
          if (this.#entries.get(key) === entry) this.#entries.delete(key);
          return;
        }
        const shared = this.shared;
        if (!shared) return;
        // The format #loadShared stores, so the other replicas read it as their window's answer.
        this.#sharedKeys.add(key);
        void shared.kv.set(`${shared.prefix}${key}`, JSON.stringify({ expires, v }), this.ttlMs).catch(() => {});
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  /** Forgets everything, here and (for the answers it shared) in the shared store. */
  clear(): void {
    this.#entries.clear();
    const shared = this.shared;
    if (shared) for (const k of this.#sharedKeys) void shared.kv.delete(`${shared.prefix}${k}`).catch(() => {});
    this.#sharedKeys.clear();
  }

  /** Forgets this process's entries only (closing one replica must not cost the others their answers). */
  close(): void {
    this.#entries.clear();
  }

  /** The answer another replica stored for this window, or this replica's own call stored for them. */
  #loadShared(shared: SharedSpace, key: string, load: () => Promise<V>): Promise<{ v: V; expires: number }> {
    this.#sharedKeys.add(key);
    const entry = { kv: shared.kv, key: `${shared.prefix}${key}` };
    return sharedFill<{ v: V; expires: number }>(
      entry,
      async () => {
        const v: V = await load();
        const expires = this.now() + this.ttlMs;
        return { result: { v, expires }, stored: JSON.stringify({ expires, v }), ttlMs: this.ttlMs };
      },
      (stored) => {
        const parsed = JSON.parse(stored) as { expires?: unknown; v?: V };
        // Kept here only until the expiry the filling replica set: every replica's window ends together.
        return typeof parsed.expires === 'number' && parsed.expires > this.now() && parsed.v !== undefined ? { v: parsed.v as V, expires: parsed.expires } : undefined;
      },
      { lockMs: Math.max(1000, this.ttlMs) },
    );
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
