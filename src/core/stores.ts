/**
 * The small store interfaces behind everything a gateway remembers beyond one request and that
 * replicas may need to share: idempotency records, vendor tokens, short-lived list answers, watcher
 * leases and the live change feed. The in-memory implementations here are the embedded default;
 * a Redis-backed set (one per deployment prefix) implements the same interfaces for replicas.
 */

/** A string key-value store whose every entry has a time to live. */
export interface KeyValueStore {
  /** The value of `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value` for `ttlMs`, replacing any value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets `key` only when it is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes `key` (absent is fine). */
  delete(key: string): Promise<void>;
}

/** Fire-and-forget messages to every subscriber of a channel, across replicas when shared. */
export interface PubSub {
  /** Sends `message` to every current subscriber of `channel`. */
  publish(channel: string, message: string): Promise<void>;
  /** Calls `onMessage` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

/** Named leases: at most one holder at a time, lost when not renewed within the TTL. */
export interface Leases {
  /** Takes or renews `name` for `holder` for `ttlMs`; true when `holder` now holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives `name` up if `holder` holds it. */
  release(name: string, holder: string): Promise<void>;
}

/** What a shared store reports to metrics: failed calls (the caller fell back) and its connection. */
export interface StoreObserver {
  /** A store call (`op`: get, set, leaseAcquire, publish, ...) failed or was refused while the store is down. */
  onStoreError(op: string): void;
  /** The store's connection came up (true) or went down (false). */
  onStoreState(up: boolean): void;
}

/**
 * The stores a gateway is built with. Shared implementations reject fast (StoreUnavailableError)
 * while their backend is away, never queueing; callers then do the work themselves (degraded).
 */
export interface Stores {
  /** Key-value entries with TTLs. */
  kv: KeyValueStore;
  /** The change feed. */
  pubsub: PubSub;
  /** Leases (one watcher per source). */
  leases: Leases;
  /** True when the stores are shared with other replicas. */
  readonly shared: boolean;
  /** Releases connections and timers. */
  close(): Promise<void>;
  /** Reports failures and connection state to `observer` (shared stores only). */
  observe?(observer: StoreObserver): void;
}

/** In-memory key-value entries; expired ones are dropped when read and by a periodic sweep. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #sweep: NodeJS.Timeout;

  constructor(
    /** Clock, for tests. */
    private readonly now: () => number = Date.now,
  ) {
    // Entries nobody reads again must not pile up; the timer never keeps the process alive.
    this.#sweep = setInterval(() => this.#dropExpired(), 60_000);
    this.#sweep.unref();
  }

  async get(key: string): Promise<string | undefined> {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    // Checked and set in one synchronous step: an await in between lets two callers both win.
    const e = this.#entries.get(key);
    if (e && e.expiresAt > this.now()) return false;
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  /** Stops the sweep. */
  close(): void {
    clearInterval(this.#sweep);
    this.#entries.clear();
  }

  #dropExpired(): void {
    const now = this.now();
    for (const [k, e] of this.#entries) if (e.expiresAt <= now) this.#entries.delete(k);
  }
}

/** In-process pub/sub: delivery is asynchronous, as it is over a network. */
export class MemoryPubSub implements PubSub {
  readonly #channels = new Map<string, Set<(message: string) => void>>();

  async publish(channel: string, message: string): Promise<void> {
    for (const fn of this.#channels.get(channel) ?? []) queueMicrotask(() => fn(message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    let set = this.#channels.get(channel);
    if (!set) {
      set = new Set();
      this.#channels.set(channel, set);
    }
    // A wrapper per call, so the same function subscribed twice is removed once per unsubscribe.
    const fn = (m: string) => onMessage(m);
    set.add(fn);
    return async () => {
      set.delete(fn);
      if (set.size === 0 && this.#channels.get(channel) === set) this.#channels.delete(channel);
    };
  }
}

/** In-process leases. */
export class MemoryLeases implements Leases {
  readonly #held = new Map<string, { holder: string; expiresAt: number }>();

  constructor(
    /** Clock, for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const cur = this.#held.get(name);
    if (cur && cur.holder !== holder && cur.expiresAt > this.now()) return false;
    this.#held.set(name, { holder, expiresAt: this.now() + ttlMs });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.#held.get(name)?.holder === holder) this.#held.delete(name);
  }
}

/** The embedded default: everything in this process, nothing to install. */
export function createMemoryStores(): Stores {
  const kv = new MemoryKeyValueStore();
  return {
    kv,
    pubsub: new MemoryPubSub(),
    leases: new MemoryLeases(),
    shared: false,
    async close() {
      kv.close();
    },
  };
}
