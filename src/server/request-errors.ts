import type { ApolloServerPlugin } from '@apollo/server';
import { getLocation, type FieldNode, type GraphQLFormattedError } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { formatError, PbxError, unsupported } from '../core/errors.ts';
import type { RequestScope } from '../core/request-scope.ts';

/** A place in the answer. */
export type ErrorPath = ReadonlyArray<string | number>;

/** A field a source may lack the capability for: its schema coordinate (the de-duplication key) and its name in the message. */
export interface UnsupportedField {
  /** Schema coordinate, e.g. `Extension.status`. */
  readonly name: string;
  /** What it is called in the UNSUPPORTED_BY_VENDOR message. */
  readonly what: string;
}

/** One reported error and where it belongs. */
interface Reported {
  /** The error, public. */
  error: PbxError;
  /** Its place in the answer. */
  path: ErrorPath;
  /** The field in the document (the error's location). */
  node: FieldNode | undefined;
}

/** Anything thrown or rejected, as a client may see it: our own errors as they are, anything else masked. */
export function publicError(err: unknown, pbx?: string): PbxError {
  if (err instanceof PbxError) return err;
  return new PbxError('INTERNAL_SERVER_ERROR', 'Internal server error', pbx, { cause: err });
}

/**
 * The errors of one request that sit beside its data rather than replace a field's value: a source
 * that failed inside a list that kept the others, a row's field resolved ahead, a capability a
 * source lacks. A resolver that fails its own field throws instead; both end in `formatError`.
 */
export class RequestErrors {
  readonly #list: Reported[] = [];
  // Per field coordinate, the sources already reported as lacking it.
  readonly #unsupported = new Map<string, Set<string>>();

  /** Files `error` at `path` (`node`: the field in the document, for its location); anything not ours is masked. */
  report(error: unknown, path: ErrorPath, node?: FieldNode, pbx?: string): void {
    this.#list.push({ error: publicError(error, pbx), path, node });
  }

  /**
   * Files UNSUPPORTED_BY_VENDOR for `field` of `source`, once per source and field in the request
   * (one per row would bury a dashboard under identical errors). Returns false when it was filed already.
   */
  unsupported(field: UnsupportedField, source: SourceAdapter, path: ErrorPath, node?: FieldNode): boolean {
    let sources = this.#unsupported.get(field.name);
    if (!sources) {
      sources = new Set();
      this.#unsupported.set(field.name, sources);
    }
    if (sources.has(source.id)) return false;
    sources.add(source.id);
    this.#list.push({ error: unsupported(field.what, source.vendor, source.id), path, node });
    return true;
  }

  /** How many errors were filed. */
  get size(): number {
    return this.#list.length;
  }

  /** The filed errors as the client sees them, each shaped by `formatError`. */
  formatted(): GraphQLFormattedError[] {
    return this.#list.map(({ error, path, node }) => {
      const raw: { message: string; locations?: { line: number; column: number }[]; path?: (string | number)[]; extensions: Record<string, unknown> } = {
        message: error.message,
        extensions: { code: error.code },
      };
      if (node?.loc) raw.locations = [getLocation(node.loc.source, node.loc.start)];
      // An error of the request as a whole (a vendor answer that dropped unreadable records) has no path.
      if (path.length > 0) raw.path = [...path];
      return formatError(raw, error);
    });
  }

  /** The filed errors a client sees as INTERNAL_SERVER_ERROR, for the log (core/errors.ts internalErrorLogPlugin). */
  get internal(): ReadonlyArray<{ error: PbxError; path: ErrorPath }> {
    return this.#list.filter((r) => r.error.code === 'INTERNAL_SERVER_ERROR');
  }

  /** Lets go of everything filed (the answer has been written). */
  clear(): void {
    this.#list.length = 0;
    this.#unsupported.clear();
  }
}

/**
 * Adds the errors filed through `ctx.errors` to the answer, after the executor's own, and those of
 * vendor calls that answered but dropped unreadable records (one per source, with no path).
 */
export const requestErrorsPlugin: ApolloServerPlugin<{ errors: RequestErrors; scope?: RequestScope }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const problems = contextValue.scope?.problems ?? [];
        if (response.body.kind !== 'single' || contextValue.errors.size + problems.length === 0) return;
        response.body.singleResult.errors = [
          ...(response.body.singleResult.errors ?? []),
          ...contextValue.errors.formatted(),
          ...problems.map((e) => formatError({ message: e.message, extensions: { code: e.code } }, e)),
        ];
      },
    };
  },
};
