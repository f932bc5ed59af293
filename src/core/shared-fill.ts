import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from './stores.ts';

/** A source's room in the shared key-value store: its keys all start with `prefix`. */
export interface SharedSpace {
  /** The deployment's key-value store (Redis when replicas share state). */
  kv: KeyValueStore;
  /** Key prefix of the source (its id and a digest of its configuration). */
  prefix: string;
}

/** One shared entry: where it lives. */
export interface SharedEntry {
  /** The key-value store. */
  kv: KeyValueStore;
  /** Its key (already prefixed). */
  key: string;
}

/** The entry `name` of a source's shared space; undefined when nothing is shared. */
export function sharedEntry(space: SharedSpace | undefined, name: string): SharedEntry | undefined {
  return space ? { kv: space.kv, key: `${space.prefix}${name}` } : undefined;
}

/** The part `name` of a source's shared space (one per cache, so their keys never meet). */
export function subSpace(space: SharedSpace | undefined, name: string): SharedSpace | undefined {
  return space ? { kv: space.kv, prefix: `${space.prefix}${name}:` } : undefined;
}

/** What a fill produced: the caller's value, its stored form and how long it is kept, ms. */
export interface Filled<T> {
  /** The value handed to this caller. */
  result: T;
  /** The value as stored for the other replicas. */
  stored: string;
  /** Time to live in the store, ms. */
  ttlMs: number;
}

/** Options of sharedFill. */
export interface SharedFillOptions {
  /** How long one replica may hold the right to fill before another tries itself, ms. */
  lockMs?: number;
  /** How often a waiting replica looks for the value, ms. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The shared value of `entry` (decoded; `decode` answers undefined for one it will not use, such as
 * a token about to expire), or the result of `load` stored for the others: across replicas one fills
 * it under a short lock while the others wait for its value. When the store fails, `load` runs here
 * (the store counted the failure); an error of `load` itself is the caller's and is not retried.
 */
export async function sharedFill<T>(entry: SharedEntry, load: () => Promise<Filled<T>>, decode: (stored: string) => T | undefined, opts: SharedFillOptions = {}): Promise<T> {
  const { kv, key } = entry;
  const { lockMs = 10_000, pollMs = 15 } = opts;
  const lockKey = `${key}:filling`;
  const me = randomUUID();
  const deadline = performance.now() + lockMs;
  let mine = false;
  let awaited: string | undefined;
  try {
    for (;;) {
      const found = await kv.get(key);
      const decoded = found === undefined ? undefined : decode(found);
      if (decoded !== undefined) return decoded;
      if (await kv.setIfAbsent(lockKey, me, lockMs)) {
        mine = true;
        break;
      }
      // A new filler means the one awaited gave up (its call failed): do not queue behind another.
      const filler = await kv.get(lockKey);
      if (awaited === undefined) awaited = filler;
      else if (filler !== awaited) break;
      // The filler has not answered within its lock: answer anyway.
      if (performance.now() > deadline) break;
      await sleep(pollMs);
    }
  } catch {
    // The store is away: every replica does its own work until it is back.
    return (await load()).result;
  }
  try {
    const filled = await load();
    await kv.set(key, filled.stored, filled.ttlMs).catch(() => {});
    return filled.result;
  } finally {
    if (mine) await kv.delete(lockKey).catch(() => {});
  }
}
