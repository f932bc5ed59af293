import type { SourceAdapter, StatusFeed, StatusSighting } from '../core/adapter.ts';
import type { Logger } from '../core/logger.ts';
import type { Stores } from '../core/stores.ts';
import type { Extension, StatusInfo } from '../domain/types.ts';
import type { StatusChange, StatusMessage } from './models.ts';

/** The change feed channel of one source's status changes. */
export const statusChannel = (sourceId: string): string => `live:status:${sourceId}`;

/** The lease that makes one replica the watcher of a source. */
const leaseName = (sourceId: string): string => `live:watch:${sourceId}`;

/** Which extensions a poll asks about: every one, or these numbers. */
export type Watched = 'all' | ReadonlySet<string>;

/** The largest page a watcher asks an adapter for when it walks a source's list. */
const LIST_PAGE = 500;

/** The most ids in one status batch (as the query path's DataLoaders batch them). */
const STATUS_BATCH = 500;

/** What a watcher is built from. */
export interface WatcherOptions {
  /** The source it watches. */
  source: SourceAdapter;
  /** How often it asks for status while anyone watches, ms. */
  intervalMs: number;
  /** Leases (one watcher per source across replicas) and the change feed. */
  stores: Stores;
  /** This replica's lease holder id. */
  holder: string;
  /** Logger. */
  logger: Logger;
  /** How long a source's extension list is reused to find the ids its status batch takes, ms. */
  indexMs?: number;
}

/**
 * Walks a source's whole list through its adapter (whatever paging the vendor has).
 */
async function listAll(source: SourceAdapter, fresh = false): Promise<Extension[]> {
  const out: Extension[] = [];
  let after: string | undefined;
  for (;;) {
    // Only the first page asks afresh: the later ones read the answer it left in the cache.
    const page = await source.listExtensions({ first: LIST_PAGE, after, fresh: fresh && after === undefined });
    for (const item of page.items) out.push(item.node);
    const last = page.items[page.items.length - 1];
    if (!page.hasNextPage || !last) return out;
    after = last.cursor;
  }
}

/**
 * The watcher of one source: while anyone watches it, and while this replica holds the source's
 * lease, it asks the vendor for status every `intervalMs` the cheapest way the adapter allows (its
 * push feed; else its list when every list record carries status, as Point VoIP's and Telecom X's
 * do; else one status batch for the watched extensions, as PortSIP's `extensions/status`), compares
 * with its last snapshot and publishes the changes on the change feed. Its calls depend on the
 * source and the watched numbers, never on how many subscribers share them.
 */
export class SourceWatcher {
  readonly #o: WatcherOptions;
  readonly #indexMs: number;
  /** Watched numbers with how many subscriptions watch each. */
  readonly #numbers = new Map<string, number>();
  /** Subscriptions that watch every extension. */
  #everything = 0;
  /** Bumped on each stop, so a poll of an earlier run does not schedule another. */
  #generation = 0;
  #running = false;
  #holding = false;
  #timer: NodeJS.Timeout | undefined;
  #feed: StatusFeed | undefined;
  /** The last status seen, by extension number. */
  readonly #snapshot = new Map<string, StatusInfo>();
  /** The source's extensions by number, for a status batch that takes vendor ids. */
  #index: { at: number; byNumber: Map<string, Extension> } | undefined;
  /** Polls sent so far (the bench and tests read it). */
  polls = 0;

  constructor(o: WatcherOptions) {
    this.#o = o;
    this.#indexMs = o.indexMs ?? 60_000;
  }

  /** Watches these numbers (undefined: every extension) until the returned function is called. */
  watch(numbers: readonly string[] | undefined): () => void {
    if (numbers === undefined) this.#everything++;
    else for (const n of new Set(numbers)) this.#numbers.set(n, (this.#numbers.get(n) ?? 0) + 1);
    this.#start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (numbers === undefined) this.#everything--;
      else {
        for (const n of new Set(numbers)) {
          const left = (this.#numbers.get(n) ?? 1) - 1;
          if (left > 0) this.#numbers.set(n, left);
          else this.#numbers.delete(n);
        }
      }
      if (this.#everything === 0 && this.#numbers.size === 0) void this.stop();
    };
  }

  /** True while it has watchers. */
  get running(): boolean {
    return this.#running;
  }

  /** Stops polling and gives the lease up. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#feed?.close();
    this.#feed = undefined;
    this.#snapshot.clear();
    this.#index = undefined;
    if (this.#holding) {
      this.#holding = false;
      await this.#o.stores.leases.release(leaseName(this.#o.source.id), this.#o.holder).catch(() => undefined);
    }
  }

  #watched(): Watched {
    // With shared stores another replica's subscribers may watch numbers this one does not know of.
    if (this.#everything > 0 || this.#o.stores.shared) return 'all';
    return new Set(this.#numbers.keys());
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0, this.#generation);
  }

  #schedule(delayMs: number, generation: number): void {
    this.#timer = setTimeout(() => void this.#tick(generation), delayMs);
    // The server's sockets keep the process alive; a watcher alone must not.
    this.#timer.unref();
  }

  async #tick(generation: number): Promise<void> {
    const started = performance.now();
    const { source, stores, holder, intervalMs, logger } = this.#o;
    try {
      // A lease outlives a missed renewal or two, so a stalled poll does not hand the source over.
      const held = await stores.leases.acquire(leaseName(source.id), holder, intervalMs * 3 + 1000);
      if (generation !== this.#generation) return;
      if (!held) {
        // Another replica polls and publishes; a snapshot of ours would be stale when we take over.
        this.#holding = false;
        this.#snapshot.clear();
        this.#feed?.close();
        this.#feed = undefined;
      } else {
        this.#holding = true;
        if (source.watchStatus) {
          this.#feed ??= source.watchStatus(
            (sightings) => void this.#see(sightings, generation),
            (err) => logger.warn({ err: err.name }, 'the vendor status feed failed'),
          );
        } else {
          this.polls++;
          const sightings = await this.#poll(this.#watched());
          await this.#see(sightings, generation);
        }
      }
    } catch (err) {
      // A failed poll is the vendor's (the source's circuit counts it); the next one tries again.
      logger.warn({ err: err instanceof Error ? err.name : 'error' }, 'live status poll failed');
    }
    if (generation !== this.#generation) return;
    this.#schedule(Math.max(0, intervalMs - (performance.now() - started)), generation);
  }

  /** The status of the watched extensions, by the cheapest call the adapter has. */
  async #poll(watched: Watched): Promise<StatusSighting[]> {
    const { source } = this.#o;
    const wanted = (number: string) => watched === 'all' || watched.has(number);
    if (source.listCarries.has('STATUS')) {
      // The watcher sets how fresh status is: a list kept by the adapter would age it by its own time,
      // so it asks afresh, and the adapter keeps that answer for the queries in between.
      const all = await listAll(source, true);
      return all.filter((e) => e.status && wanted(e.number)).map((e) => ({ ext: e, status: e.status! }));
    }
    if (!source.loadStatus) return [];
    const numbers = watched === 'all' ? undefined : [...watched];
    const index = await this.#indexOf(numbers);
    const exts = numbers === undefined ? [...index.values()] : numbers.flatMap((n) => index.get(n) ?? []);
    const out: StatusSighting[] = [];
    for (let i = 0; i < exts.length; i += STATUS_BATCH) {
      const batch = exts.slice(i, i + STATUS_BATCH);
      const values = await source.loadStatus(batch.map((e) => e.vendorId));
      values.forEach((v, k) => {
        if (!(v instanceof Error)) out.push({ ext: batch[k]!, status: v });
      });
    }
    return out;
  }

  /** The source's extensions by number: listed again when old, or when a watched number is not in it. */
  async #indexOf(numbers: readonly string[] | undefined): Promise<Map<string, Extension>> {
    const now = performance.now();
    const index = this.#index;
    const age = index ? now - index.at : Infinity;
    // An unknown number may be new at the vendor; it is looked for again after a few intervals only.
    const missing = index !== undefined && numbers !== undefined && numbers.some((n) => !index.byNumber.has(n)) && age > this.#o.intervalMs * 5;
    if (index && age < this.#indexMs && !missing) return index.byNumber;
    const byNumber = new Map((await listAll(this.#o.source)).map((e) => [e.number, e] as const));
    this.#index = { at: now, byNumber };
    return byNumber;
  }

  /** Diffs sightings with the snapshot and publishes the changes. */
  async #see(sightings: readonly StatusSighting[], generation: number): Promise<void> {
    if (generation !== this.#generation || !this.#running) return;
    const watched = this.#watched();
    const at = new Date().toISOString();
    const changes: StatusChange[] = [];
    for (const { ext, status } of sightings) {
      if (watched !== 'all' && !watched.has(ext.number)) continue;
      const previous = this.#snapshot.get(ext.number);
      this.#snapshot.set(ext.number, status);
      // The first sighting of an extension is its baseline, not a change.
      if (previous && previous.status !== status.status) changes.push({ ext: { ...ext, status }, status, previous, at });
    }
    // A number nobody watches any more gets a fresh baseline when it is watched again.
    if (watched !== 'all') for (const n of this.#snapshot.keys()) if (!watched.has(n)) this.#snapshot.delete(n);
    if (changes.length === 0) return;
    const message: StatusMessage = { sourceId: this.#o.source.id, changes };
    await this.#o.stores.pubsub.publish(statusChannel(this.#o.source.id), JSON.stringify(message));
  }
}
