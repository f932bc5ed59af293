import { randomUUID } from 'node:crypto';
import type { SourceAdapter } from '../core/adapter.ts';
import { PbxError } from '../core/errors.ts';
import type { CircuitState } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import type { Stores } from '../core/stores.ts';
import type { HealthEventModel, StatusChange, StatusEventModel, StatusMessage } from './models.ts';
import { SourceWatcher, statusChannel } from './watcher.ts';

/**
 * The events of one subscription, queued until the socket takes them. Bounded: past `max` undelivered
 * events the subscriber is too slow, and `onOverflow` drops it rather than let the queue grow.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  #waiting: ((r: IteratorResult<T>) => void) | undefined;
  #done = false;

  constructor(
    private readonly max: number,
    private readonly onOverflow: () => void,
    private readonly cleanup: () => void,
  ) {}

  /** True once the subscriber has gone (returned, or dropped as too slow). */
  get done(): boolean {
    return this.#done;
  }

  /** Queues one event (or hands it to a waiting reader). */
  push(item: T): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.max) {
      void this.return();
      this.onOverflow();
      return;
    }
    this.#items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift()!, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.#done) {
      this.#done = true;
      this.#items.length = 0;
      this.cleanup();
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** What a hub is built from. */
export interface LiveHubOptions {
  /** Every configured source. */
  sources: readonly SourceAdapter[];
  /** Leases and the change feed. */
  stores: Stores;
  /** Logger. */
  logger: Logger;
  /** Most subscriptions open at once per API key. */
  maxSubscriptionsPerKey: number;
  /** Most undelivered events per subscription. */
  maxQueuedEvents: number;
  /** The default watch interval of a source whose config has none, ms. */
  defaultIntervalMs: number;
  /** Watch interval per source id, ms. */
  intervals: ReadonlyMap<string, number>;
}

/** One local subscriber of a source's changes. */
type StatusListener = (change: StatusChange) => void;

/** A source's change feed as this replica receives it. */
interface Channel {
  /** Local subscribers. */
  listeners: Set<StatusListener>;
  /** The feed subscription (resolves to its unsubscribe). */
  ready: Promise<() => Promise<void>>;
}

/**
 * This replica's live side: one watcher per source (which polls only while it holds the source's
 * lease), one change feed subscription per source with local subscribers (each message parsed once
 * and its events shared by every local subscriber), health events from the sources' circuits, and
 * the per-key count of open subscriptions.
 */
export class LiveHub {
  /** This replica's lease holder id. */
  readonly holder = randomUUID();
  readonly #o: LiveHubOptions;
  readonly #byId: ReadonlyMap<string, SourceAdapter>;
  readonly #watchers = new Map<string, SourceWatcher>();
  readonly #channels = new Map<string, Channel>();
  readonly #health = new Set<(e: HealthEventModel) => void>();
  readonly #circuits = new Map<string, CircuitState>();
  readonly #open = new Map<string, number>();
  #closed = false;

  constructor(o: LiveHubOptions) {
    this.#o = o;
    this.#byId = new Map(o.sources.map((s) => [s.id, s]));
  }

  /** The watcher of a source (created on first use). */
  watcher(source: SourceAdapter): SourceWatcher {
    let w = this.#watchers.get(source.id);
    if (!w) {
      w = new SourceWatcher({
        source,
        intervalMs: this.#o.intervals.get(source.id) ?? this.#o.defaultIntervalMs,
        stores: this.#o.stores,
        holder: this.holder,
        logger: this.#o.logger.child({ source: source.id, live: 'watcher' }),
      });
      this.#watchers.set(source.id, w);
    }
    return w;
  }

  /** Subscriptions open now for a key. */
  openFor(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  /** Counts one more subscription for `key`, or refuses past the cap; the returned function counts it out. */
  #admit(key: string): () => void {
    if (this.#closed) throw new PbxError('VENDOR_UNAVAILABLE', 'the gateway is shutting down');
    const open = this.openFor(key);
    if (open >= this.#o.maxSubscriptionsPerKey) {
      throw new PbxError('FORBIDDEN', `this API key already has ${open} subscriptions open, the most allowed`);
    }
    this.#open.set(key, open + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = this.openFor(key) - 1;
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    };
  }

  /**
   * Status changes of these sources (only these numbers, when given) until the iterator is returned.
   * The feed is subscribed before the watchers start, so no change is published unheard.
   */
  async statusEvents(sources: readonly SourceAdapter[], numbers: readonly string[] | undefined, key: string, onOverflow: () => void): Promise<AsyncIterableIterator<StatusEventModel>> {
    const release = this.#admit(key);
    const wanted = numbers ? new Set(numbers) : undefined;
    const cleanups: (() => void)[] = [release];
    const queue = new EventQueue<StatusEventModel>(this.#o.maxQueuedEvents, onOverflow, () => {
      for (const c of cleanups) c();
    });
    const listener: StatusListener = (change) => {
      if (!wanted || wanted.has(change.ext.number)) queue.push(change);
    };
    try {
      for (const source of sources) {
        const channel = this.#channel(source.id);
        channel.listeners.add(listener);
        cleanups.push(() => this.#leave(source.id, listener));
        await channel.ready;
      }
    } catch (err) {
      await queue.return();
      throw err;
    }
    // Returned while the feed was being subscribed (the socket closed): nothing to start.
    if (queue.done) return queue;
    const unwatch = sources.map((s) => this.watcher(s).watch(numbers));
    cleanups.push(() => {
      for (const u of unwatch) u();
    });
    return queue;
  }

  /** Circuit changes of these sources until the iterator is returned. */
  healthEvents(sources: readonly SourceAdapter[], key: string, onOverflow: () => void): AsyncIterableIterator<HealthEventModel> {
    const release = this.#admit(key);
    const ids = new Set(sources.map((s) => s.id));
    const listener = (e: HealthEventModel) => {
      if (ids.has(e.source.id)) queue.push(e);
    };
    const queue: EventQueue<HealthEventModel> = new EventQueue<HealthEventModel>(this.#o.maxQueuedEvents, onOverflow, () => {
      this.#health.delete(listener);
      release();
    });
    this.#health.add(listener);
    return queue;
  }

  /** A source's circuit changed state (the sources' HTTP clients call this through their observer). */
  onCircuit(sourceId: string, state: CircuitState): void {
    // A circuit starts closed; the first report of that is no change.
    const before = this.#circuits.get(sourceId) ?? 'closed';
    this.#circuits.set(sourceId, state);
    const source = this.#byId.get(sourceId);
    if (before === state || !source) return;
    const event: HealthEventModel = { source, state, at: new Date().toISOString() };
    for (const l of this.#health) l(event);
  }

  /** Stops every watcher and leaves every feed. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#watchers.values()].map((w) => w.stop()));
    const channels = [...this.#channels.values()];
    this.#channels.clear();
    await Promise.all(channels.map(async (c) => (await c.ready.catch(() => async () => undefined))()));
  }

  #channel(sourceId: string): Channel {
    let channel = this.#channels.get(sourceId);
    if (!channel) {
      const listeners = new Set<StatusListener>();
      const ready = this.#o.stores.pubsub.subscribe(statusChannel(sourceId), (text) => {
        let message: StatusMessage;
        try {
          message = JSON.parse(text) as StatusMessage;
        } catch {
          this.#o.logger.warn({ source: sourceId }, 'malformed live status message');
          return;
        }
        // One event object per change, shared by every local subscriber (and its event's loaders).
        for (const change of message.changes) for (const l of listeners) l(change);
      });
      channel = { listeners, ready };
      this.#channels.set(sourceId, channel);
    }
    return channel;
  }

  #leave(sourceId: string, listener: StatusListener): void {
    const channel = this.#channels.get(sourceId);
    if (!channel) return;
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0) return;
    this.#channels.delete(sourceId);
    void channel.ready.then((unsubscribe) => unsubscribe()).catch(() => undefined);
  }
}
