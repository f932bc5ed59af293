import type { PbxError } from './errors.ts';

/**
 * What one GraphQL request has cost so far, and what it shares. It is handed down explicitly: the
 * request's loaders ask each source for its operations bound to the scope (SourceAdapter.forRequest),
 * and those operations' HTTP client counts and shares calls in it, without a hook on every promise.
 */
export interface RequestScope {
  /** Vendor HTTP calls made per source id. */
  vendorCalls: Map<string, number>;
  /** Identical idempotent vendor calls in flight for this request, shared instead of repeated. */
  inflight: Map<string, Promise<unknown>>;
  /** The request's id, named in every log line about a vendor call it caused. */
  requestId?: string | undefined;
  /** Errors of calls that still answered (records of a list dropped as unreadable), one per source, added to the answer. */
  problems?: PbxError[];
}

/** Creates a fresh scope for the request `requestId`. */
export function newRequestScope(requestId?: string): RequestScope {
  return { vendorCalls: new Map(), inflight: new Map(), requestId };
}

/** Counts one vendor call of `sourceId` against `scope`. */
export function countCall(scope: RequestScope, sourceId: string): void {
  scope.vendorCalls.set(sourceId, (scope.vendorCalls.get(sourceId) ?? 0) + 1);
}

/** Records `error` against `scope` unless its source already has one there. */
export function reportProblem(scope: RequestScope, error: PbxError): void {
  const list = (scope.problems ??= []);
  if (!list.some((e) => e.pbx === error.pbx)) list.push(error);
}
