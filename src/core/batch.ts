import { mapWithConcurrency } from './shared-cache.ts';

/**
 * A batch function for vendors with no batch endpoint: one vendor call per key, at most `limit` in
 * flight, each key's failure in its own slot (DataLoader's contract: one result per key, in order).
 */
export function eachKey<V>(limit: number, fn: (key: string) => Promise<V>): (keys: readonly string[]) => Promise<Array<V | Error>> {
  return (keys) => mapWithConcurrency(keys, limit, (k) => fn(k).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
}

/** Picks, for each key, the item whose key matches, or `missing(key)` (an Error) when none. */
export function inKeyOrder<T, V>(keys: readonly string[], items: readonly T[], keyOf: (t: T) => string, value: (t: T) => V, missing: (key: string) => Error): Array<V | Error> {
  const byKey = new Map<string, T>();
  for (const it of items) byKey.set(keyOf(it), it);
  return keys.map((k) => {
    const hit = byKey.get(k);
    return hit === undefined ? missing(k) : value(hit);
  });
}
