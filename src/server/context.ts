import type { SourceAdapter } from '../core/adapter.ts';
import type { PbxError } from '../core/errors.ts';
import { Loaders } from '../core/loaders.ts';
import type { RequestScope } from '../core/request-scope.ts';

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
  /** Errors of sources that failed while others answered (a list field keeps its data). */
  partialErrors: { error: PbxError; path: ReadonlyArray<string | number> }[];
}

/** Builds a request's context. */
export function createContext(sources: readonly SourceAdapter[], scope: RequestScope): GatewayContext {
  return { sources: new VisibleSources(sources), loaders: new Loaders(), scope, partialErrors: [] };
}
