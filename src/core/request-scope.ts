/**
 * What one GraphQL request has cost so far, and what it shares. It is handed down explicitly: the
 * request's loaders ask each source for its operations bound to the scope (SourceAdapter.forRequest),
 * and those operations' HTTP client counts and shares calls in it. (It used to travel implicitly in
 * an AsyncLocalStorage; on Node 20 that puts a hook on every promise, about a tenth of a dashboard
 * query's CPU.)
 */
export interface RequestScope {
  /** Vendor HTTP calls made per source id. */
  vendorCalls: Map<string, number>;
  /** Identical idempotent vendor calls in flight for this request, shared instead of repeated. */
  inflight: Map<string, Promise<unknown>>;
}

/** Creates a fresh scope. */
export function newRequestScope(): RequestScope {
  return { vendorCalls: new Map(), inflight: new Map() };
}

/** Counts one vendor call of `sourceId` against `scope`. */
export function countCall(scope: RequestScope, sourceId: string): void {
  scope.vendorCalls.set(sourceId, (scope.vendorCalls.get(sourceId) ?? 0) + 1);
}
