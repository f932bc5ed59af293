import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one GraphQL request has cost so far. Carried through async calls by AsyncLocalStorage, so the
 * shared per-source HTTP clients can count calls for the request that caused them without being
 * passed a request object (DataLoader batch functions run outside any resolver's arguments).
 */
export interface RequestScope {
  /** Vendor HTTP calls made per source id. */
  vendorCalls: Map<string, number>;
  /** Identical idempotent vendor calls in flight for this request, shared instead of repeated. */
  inflight: Map<string, Promise<unknown>>;
  /** Results an adapter computed once for this request (see memoInRequest). */
  memo: Map<string, Promise<unknown>>;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Creates a fresh scope. */
export function newRequestScope(): RequestScope {
  return { vendorCalls: new Map(), inflight: new Map(), memo: new Map() };
}

/** Runs `fn` with `scope` as the current request scope. */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The current request scope, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Counts one vendor call against the current request. */
export function countVendorCall(sourceId: string): void {
  const scope = storage.getStore();
  if (scope) scope.vendorCalls.set(sourceId, (scope.vendorCalls.get(sourceId) ?? 0) + 1);
}

/**
 * Computes `fn` once per request for `key` (outside a request: every time). For adapter work that two
 * loaders of one request both need, such as an index built from several vendor calls; nothing is
 * kept past the request, so no caller sees another's data.
 */
export function memoInRequest<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return fn();
  let hit = scope.memo.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = fn();
    scope.memo.set(key, hit);
    hit.catch(() => scope.memo.delete(key));
  }
  return hit;
}
