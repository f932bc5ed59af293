import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';
import type { KeyValueStore, Leases, PubSub, StoreObserver, Stores } from './stores.ts';

/** How a deployment reaches its Redis. */
export interface RedisStoresOptions {
  /** redis:// or rediss:// URL (credentials may be in it; it is never logged). */
  url: string;
  /** Key and channel prefix of this deployment: replicas of one deployment share it, others do not. */
  prefix: string;
  /** Logger (connection lost and restored, once each). */
  logger: Logger;
  /** Longest a command may take before it counts as failed, ms (default 500: a busy event loop runs the timer before it reads a reply). */
  commandTimeoutMs?: number;
  /** How long the first connection may take before the gateway starts without Redis, ms. */
  connectTimeoutMs?: number;
  /** After a command timed out, how long calls fail at once rather than wait again, ms. */
  backoffMs?: number;
}

/** Raised by a Redis store call that did not reach Redis; callers fall back to their own work. */
export class StoreUnavailableError extends Error {
  constructor(op: string, cause?: unknown) {
    super(`shared store unavailable (${op})`, cause === undefined ? undefined : { cause });
    this.name = 'StoreUnavailableError';
  }
}

// Takes or renews a lease only when it is free or already this holder's: one round trip, atomic.
const ACQUIRE = `local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

// Deletes a lease only when this holder still has it (another may have taken it over meanwhile).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Stores shared by every replica of a deployment through one Redis: a command connection for keys
 * and leases, a dedicated one for subscriptions. Every call fails fast while Redis is away (no
 * offline queue, a short command timeout, then a short back-off), so a request never waits on the
 * cache; failures are counted through the observer and the connection state is logged on change.
 * While Redis is away, key-value and lease calls reject (StoreUnavailableError: the caller does the
 * work itself), publish reaches this replica's own subscribers only, and subscribe keeps its handler
 * and subscribes once the connection is back.
 */
export class RedisStores implements Stores {
  readonly shared = true;
  readonly kv: KeyValueStore;
  readonly pubsub: PubSub;
  readonly leases: Leases;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #backoffMs: number;
  readonly #observers: StoreObserver[] = [];
  readonly #handlers = new Map<string, Set<(message: string) => void>>();
  #downUntil = 0;
  #up = false;
  #closed = false;

  private constructor(opts: RedisStoresOptions) {
    this.#prefix = `${opts.prefix}:`;
    this.#logger = opts.logger;
    this.#backoffMs = opts.backoffMs ?? 1000;
    const base: RedisOptions = {
      lazyConnect: true,
      // A command while disconnected fails at once instead of queueing behind the reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: opts.connectTimeoutMs ?? 2000,
      // Keeps trying in the background, at most every 2 s, for as long as the gateway runs.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      // Channels are re-subscribed by #resubscribe (ours know every channel with a local handler).
      autoResubscribe: false,
    };
    this.#cmd = new Redis(opts.url, { ...base, connectionName: 'pbx-graph' });
    this.#sub = new Redis(opts.url, { ...base, connectionName: 'pbx-graph-sub' });
    // ioredis emits 'error' on every failed reconnect; the state change is what matters, logged once.
    this.#cmd.on('error', () => {});
    this.#sub.on('error', () => {});
    this.#cmd.on('ready', () => this.#setUp(true));
    this.#cmd.on('close', () => this.#setUp(false));
    this.#sub.on('ready', () => void this.#resubscribe());
    this.#sub.on('message', (channel: string, message: string) => this.#deliver(channel.slice(this.#prefix.length), message));
    const store = this;
    this.kv = {
      async get(key) {
        const v = await store.#run('get', (r) => r.get(store.#key(key)));
        return v ?? undefined;
      },
      async set(key, value, ttlMs) {
        await store.#run('set', (r) => r.set(store.#key(key), value, 'PX', ttl(ttlMs)));
      },
      async setIfAbsent(key, value, ttlMs) {
        return (await store.#run('setIfAbsent', (r) => r.set(store.#key(key), value, 'PX', ttl(ttlMs), 'NX'))) === 'OK';
      },
      async delete(key) {
        await store.#run('delete', (r) => r.del(store.#key(key)));
      },
    };
    this.leases = {
      async acquire(name, holder, ttlMs) {
        return (await store.#run('leaseAcquire', (r) => r.eval(ACQUIRE, 1, store.#key(`lease:${name}`), holder, ttl(ttlMs)))) === 1;
      },
      async release(name, holder) {
        await store.#run('leaseRelease', (r) => r.eval(RELEASE, 1, store.#key(`lease:${name}`), holder));
      },
    };
    this.pubsub = {
      async publish(channel, message) {
        try {
          await store.#run('publish', (r) => r.publish(store.#prefix + channel, message));
        } catch {
          // Other replicas miss this change; this replica's own subscribers still get it.
          store.#deliver(channel, message);
        }
      },
      async subscribe(channel, onMessage) {
        let set = store.#handlers.get(channel);
        const first = !set;
        if (!set) {
          set = new Set();
          store.#handlers.set(channel, set);
        }
        const fn = (m: string) => onMessage(m);
        set.add(fn);
        // Down now: the handler is kept and the channel subscribed when the connection is back.
        if (first && store.#sub.status === 'ready') await store.#sub.subscribe(store.#prefix + channel).catch(() => store.#failed('subscribe'));
        return async () => {
          set.delete(fn);
          if (set.size > 0 || store.#handlers.get(channel) !== set) return;
          store.#handlers.delete(channel);
          if (store.#sub.status === 'ready') await store.#sub.unsubscribe(store.#prefix + channel).catch(() => store.#failed('unsubscribe'));
        };
      },
    };
  }

  /**
   * Connects both connections. Redis away at start is not fatal: the gateway starts degraded (its
   * stores fail fast, callers fall back) and the connections keep retrying in the background.
   */
  static async connect(opts: RedisStoresOptions): Promise<RedisStores> {
    const stores = new RedisStores(opts);
    const results = await Promise.allSettled([stores.#cmd.connect(), stores.#sub.connect()]);
    if (results.some((r) => r.status === 'rejected')) opts.logger.warn({ prefix: opts.prefix }, 'redis unavailable at start: serving from the vendors until it answers');
    else opts.logger.info({ prefix: opts.prefix }, 'redis connected: state shared with the other replicas');
    return stores;
  }

  /** True while the command connection is ready. */
  get up(): boolean {
    return this.#up;
  }

  observe(observer: StoreObserver): void {
    this.#observers.push(observer);
    observer.onStoreState(this.#up);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    await Promise.allSettled([this.#cmd.quit(), this.#sub.quit()]);
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async #run<T>(op: string, fn: (r: Redis) => Promise<T>): Promise<T> {
    if (this.#cmd.status !== 'ready' || performance.now() < this.#downUntil) throw this.#failed(op);
    try {
      return await fn(this.#cmd);
    } catch (err) {
      // A timeout means Redis is slow or gone without a close: stop asking it for a moment.
      if (err instanceof Error && /timed out/i.test(err.message)) this.#downUntil = performance.now() + this.#backoffMs;
      throw this.#failed(op, err);
    }
  }

  #failed(op: string, cause?: unknown): StoreUnavailableError {
    for (const o of this.#observers) o.onStoreError(op);
    return new StoreUnavailableError(op, cause);
  }

  #setUp(up: boolean): void {
    if (up === this.#up) return;
    this.#up = up;
    for (const o of this.#observers) o.onStoreState(up);
    if (this.#closed) return;
    if (up) this.#logger.info('redis connection restored: sharing state again');
    else this.#logger.warn('redis connection lost: serving from the vendors (degraded) until it is back');
  }

  #deliver(channel: string, message: string): void {
    for (const fn of this.#handlers.get(channel) ?? []) queueMicrotask(() => fn(message));
  }

  async #resubscribe(): Promise<void> {
    const channels = [...this.#handlers.keys()].map((c) => this.#prefix + c);
    if (channels.length > 0) await this.#sub.subscribe(...channels).catch(() => this.#failed('subscribe'));
  }
}

/** A TTL Redis accepts: a positive whole number of ms. */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/** Redis-backed stores for `redis: { url, prefix }` (see RedisStores). */
export function createRedisStores(opts: RedisStoresOptions): Promise<RedisStores> {
  return RedisStores.connect(opts);
}
