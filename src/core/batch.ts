import { mapWithConcurrency } from './lists.ts';

/**
 * A batch function for vendors with no batch endpoint: one vendor call per key, at most `limit` in
 * flight, each key's failure in its own slot (DataLoader's contract: one result per key, in order).
 */
export function eachKey<V>(limit: number, fn: (key: string) => Promise<V>): (keys: readonly string[]) => Promise<Array<V | Error>> {
  return (keys) => mapWithConcurrency(keys, limit, (k) => fn(k).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
}

/** Picks, for each key, the item whose key matches, or `missing(key)` (an Error) when none. */
export function inKeyOrder<T, V>(keys: readonly string[], items: readonly T[], keyOf: (t: T) => string, value: (t: T) => V, missing: (key: string) => Error): Array<V | Error> {
  return fromIndex(keys, indexBy(items, keyOf), value, missing);
}

/** The items by key (the last one wins). */
export function indexBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const it of items) byKey.set(keyOf(it), it);
  return byKey;
}

/** `inKeyOrder` over an index already built (for a cached list answer, once per answer). */
export function fromIndex<T, V>(keys: readonly string[], byKey: ReadonlyMap<string, T>, value: (t: T) => V, missing: (key: string) => Error): Array<V | Error> {
  return keys.map((k) => {
    const hit = byKey.get(k);
    return hit === undefined ? missing(k) : value(hit);
  });
}

/**
 * For vendors with a paged list but no batch get: walks the list page by page until every key has
 * been seen (or the list ends), so a batch of ids costs one call per page walked instead of one per id.
 */
export async function scanPagesForKeys<T>(
  keys: readonly string[],
  fetchPage: (index: number) => Promise<{ items: readonly T[]; more: boolean }>,
  keyOf: (t: T) => string,
  maxPages = 1000,
): Promise<T[]> {
  const wanted = new Set(keys);
  const found: T[] = [];
  for (let i = 0; i < maxPages && wanted.size > 0; i++) {
    const { items, more } = await fetchPage(i);
    for (const it of items) if (wanted.delete(keyOf(it))) found.push(it);
    if (!more) break;
  }
  return found;
}
