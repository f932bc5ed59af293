import type { SourceAdapter } from '../core/adapter.ts';
import type { GlobalIds } from '../core/ids.ts';
import type { PageHints } from './page-hints.ts';
import { Loaders } from '../core/loaders.ts';
import type { RequestScope } from '../core/request-scope.ts';
import { RequestErrors } from './request-errors.ts';
import type { Caller } from './security.ts';

/** The sources one request may see, in configuration order. */
export class VisibleSources {
  readonly #byId: ReadonlyMap<string, SourceAdapter>;

  constructor(
    /** The visible sources in configuration order. */
    readonly list: readonly SourceAdapter[],
  ) {
    this.#byId = new Map(list.map((s) => [s.id, s]));
  }

  /** The source with this id, or undefined when it does not exist or is not visible. */
  get(id: string): SourceAdapter | undefined {
    return this.#byId.get(id);
  }
}

/** Per-request context: built fresh for every GraphQL request. */
export interface GatewayContext {
  /** Sources this request may see. */
  sources: VisibleSources;
  /** Per-request DataLoaders. */
  loaders: Loaders;
  /** Vendor-call accounting of this request. */
  scope: RequestScope;
  /** Who is asking. */
  caller: Caller;
  /** Request id (logs). */
  requestId: string;
  /** Filled in as the request runs (a shared object: Apollo shallow-copies the context). */
  meta: {
    /** The operation's name, for the request log. */
    operationName: string | null;
    /** The operation's type (query, mutation, subscription), for the request metrics. */
    operationType?: string | null;
    /** The public error codes of the answer, for the request log and metrics. */
    errorCodes?: string[];
    /** Apollo's response of this request (its answer tree), let go of once the answer is written. */
    response?: { body?: unknown };
  };
  /** The one way to file an error beside the data from anywhere in the request (unsupported ones de-duplicated). */
  errors: RequestErrors;
  /** Each `_entities` representation's index (its rows' error paths), set by the `_entities` field. */
  entityIndex?: WeakMap<object, number>;
  /** The gateway's encoder of global ids (shared by its requests: ids are the same for every caller). */
  ids: GlobalIds;
  /** The type of each object a `node` field answered (Node.__resolveType reads it). */
  nodeTypes: WeakMap<object, 'Pbx' | 'Extension' | 'Group'>;
  /** The gateway's memory of which loads each page led to (shared by its requests: ids only). */
  pageHints: PageHints;
  /** Audit entries of this request's mutations, written once the answer is out (server/mutation-plugin.ts). */
  audit?: AuditEntry[];
}

/** One mutation as the audit log records it: never a secret, only ids. */
export interface AuditEntry {
  /** Mutation field name. */
  operation: string;
  /** Source id, when the mutation got as far as naming one. */
  source: string | null;
  /** Ids of the records concerned (global ids as the client sent them, or vendor ids of new records). */
  targets: Record<string, string | readonly string[]>;
  /** `ok`, or the public error code. */
  outcome: string;
  /** Vendor calls the mutation made. */
  vendorCalls: number;
}

/**
 * Builds a request's context. A key limited to some sources sees only those, everywhere: every
 * resolver reaches sources through `sources`, so another source's id is NOT_FOUND with no vendor call.
 */
export function createContext(all: readonly SourceAdapter[], caller: Caller, scope: RequestScope, requestId: string, ids: GlobalIds, pageHints: PageHints): GatewayContext {
  const visible = caller.sources ? all.filter((s) => caller.sources!.has(s.id)) : all;
  return {
    sources: new VisibleSources(visible),
    loaders: new Loaders(scope),
    scope,
    caller,
    requestId,
    meta: { operationName: null },
    errors: new RequestErrors(),
    ids,
    nodeTypes: new WeakMap(),
    pageHints,
  };
}

/**
 * Lets go of what a request holds once its answer is written: its answer tree, loaders and remembered
 * vendor records. Apollo's gateway interface (how graphql-jit runs, server/jit.ts) builds each
 * request an object with accessors of its own, which V8 keeps in old space until the next full
 * collection; through their closures the whole request would stay reachable and be copied by every
 * young-generation collection in between, so it is emptied here and only a shell stays pinned.
 */
export function releaseContext(ctx: GatewayContext): void {
  if (ctx.meta.response) ctx.meta.response.body = undefined;
  ctx.meta.response = undefined;
  ctx.loaders.release();
  ctx.errors.clear();
  ctx.scope.inflight.clear();
}
