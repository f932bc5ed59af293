import type { LoaderKind } from '../core/loaders.ts';

/** The loads one page of a source led to: vendor ids per loader kind. */
export type PageLoads = ReadonlyMap<LoaderKind, readonly string[]>;

/**
 * What the last page of each (source, search, page size, cursor) led the gateway to load: the ids
 * whose records lacked a field the query asked for (a PortSIP list carries no status). A prediction,
 * never an answer: the next request for the same page starts those loads together with the list
 * call instead of one vendor round after it, through the request's own DataLoaders, so the vendor
 * calls are the same ones and nothing a vendor answered outlives its request. The page that comes
 * back still decides what is answered; ids it lists that were not predicted are loaded then, as
 * without a hint, and predicted ids it no longer lists are loaded for nothing.
 *
 * One per gateway (made by the server factory, not a module singleton), holding ids only; bounded,
 * the least recently used page forgotten first.
 */
export class PageHints {
  readonly #pages = new Map<string, PageLoads>();

  /** @param max How many pages to remember. */
  constructor(private readonly max = 1000) {}

  /**
   * The key of one page of one source: the source and every argument of the connection field, in
   * name order, so no argument can be left out of it; `first` and `after` are the ones that source is
   * asked (its share of the page, its own cursor), in place of the field's.
   */
  static key(sourceId: string, args: Readonly<Record<string, unknown>>, first: number, after: string | undefined): string {
    const names = Object.keys(args);
    if (!('first' in args)) names.push('first');
    if (!('after' in args)) names.push('after');
    const named: [string, unknown][] = [];
    for (const name of names.sort()) {
      const value = name === 'first' ? first : name === 'after' ? after : args[name];
      // An argument left out and one given as null ask the same page.
      if (value !== undefined && value !== null) named.push([name, value]);
    }
    return JSON.stringify([sourceId, named]);
  }

  /** Forgets every page of one source (a write may have changed what its pages list). */
  forgetSource(sourceId: string): void {
    const prefix = `${JSON.stringify([sourceId]).slice(0, -1)},`;
    for (const key of [...this.#pages.keys()]) if (key.startsWith(prefix)) this.#pages.delete(key);
  }

  /** The loads the last answer of this page led to, if remembered. */
  get(key: string): PageLoads | undefined {
    const loads = this.#pages.get(key);
    if (loads) {
      // Most recently used last: Map keeps insertion order, so the oldest is the first key.
      this.#pages.delete(key);
      this.#pages.set(key, loads);
    }
    return loads;
  }

  /** Remembers the loads of this page's latest answer (none: forgets the page). */
  set(key: string, loads: PageLoads): void {
    this.#pages.delete(key);
    if (loads.size === 0) return;
    this.#pages.set(key, loads);
    if (this.#pages.size > this.max) this.#pages.delete(this.#pages.keys().next().value!);
  }

  /** Pages remembered. */
  get size(): number {
    return this.#pages.size;
  }
}
