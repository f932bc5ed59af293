import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger.ts';

/** The public error codes; nothing else reaches a client in `extensions.code`. */
export type PublicErrorCode =
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNSUPPORTED_BY_VENDOR'
  | 'VENDOR_UNAVAILABLE'
  | 'VENDOR_TIMEOUT'
  | 'VENDOR_AUTH_FAILED'
  | 'VENDOR_RATE_LIMITED'
  | 'VENDOR_BAD_RESPONSE'
  | 'UPSTREAM_OUTCOME_UNKNOWN'
  | 'INTERNAL_SERVER_ERROR';

/**
 * The one error type of pbx-graph. `message` is written by us, never copied from a vendor body, so
 * it is safe to show; `pbx` names the source it concerns.
 *
 * It carries no stack trace: it is an expected answer (not found, unsupported, vendor down), its
 * stack is never sent or logged (an unexpected failure keeps its own, as `cause`), and capturing one
 * would cost CPU on every expected error, of which a dashboard makes one per source and unsupported field.
 */
export class PbxError extends Error {
  /** Public code. */
  readonly code: PublicErrorCode;
  /** Source id the error concerns, if any. */
  readonly pbx: string | undefined;
  /** Internal detail for the adapter (e.g. `token_expired`); never sent to a client. */
  readonly reason: string | undefined;
  /** Seconds until the vendor takes calls again (VENDOR_RATE_LIMITED), sent as `extensions.retryAfterSeconds`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: PublicErrorCode, message: string, pbx?: string, options?: { cause?: unknown; reason?: string; retryAfterSeconds?: number }) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.pbx = pbx;
    this.reason = options?.reason;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.name = 'PbxError';
  }

  /** As a GraphQLError with the public extensions. */
  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: publicExtensions(this) });
  }
}

/** The extensions a client sees of a PbxError: its code, its source and, when rate limited, when to retry. */
export function publicExtensions(err: PbxError): Record<string, unknown> {
  const out: Record<string, unknown> = { code: err.code };
  if (err.pbx) out['pbx'] = err.pbx;
  if (err.retryAfterSeconds !== undefined) out['retryAfterSeconds'] = err.retryAfterSeconds;
  return out;
}

/** Shorthand for NOT_FOUND. */
export const notFound = (what: string, pbx?: string): PbxError =>
  new PbxError('NOT_FOUND', `${what} not found`, pbx);

/** Shorthand for BAD_USER_INPUT. */
export const badInput = (message: string, pbx?: string): PbxError =>
  new PbxError('BAD_USER_INPUT', message, pbx);

/** Shorthand for UNSUPPORTED_BY_VENDOR. */
export const unsupported = (what: string, vendor: string, pbx: string): PbxError =>
  new PbxError('UNSUPPORTED_BY_VENDOR', `${what} is not supported by the ${vendor} API`, pbx);

const GRAPHQL_OWN_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
]);

/**
 * Apollo's `formatError`: the single exit for errors. Our own errors keep their code, message and
 * source; GraphQL's own request errors (parse, validation, variables) pass; anything else is masked
 * to INTERNAL_SERVER_ERROR, so no vendor body, URL, token or stack trace reaches a client.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof PbxError) {
    return shaped(original.message, formatted, publicExtensions(original));
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && GRAPHQL_OWN_CODES.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
    return shaped(formatted.message, formatted, { code });
  }
  if (original instanceof GraphQLError && code === undefined && !original.originalError) {
    // graphql-js validation/parse errors raised before execution carry no code yet.
    return shaped(formatted.message, formatted, { code: 'GRAPHQL_VALIDATION_FAILED' });
  }
  if (original instanceof GraphQLError && !original.originalError && isClientStatus(original.extensions['http'])) {
    // Apollo's own refusals of a request (a persisted-query hash that does not match) carry a 4xx and no code.
    return shaped(formatted.message, formatted, { code: 'BAD_REQUEST' });
  }
  return shaped('Internal server error', formatted, { code: 'INTERNAL_SERVER_ERROR' });
}

/** True for Apollo's `extensions.http` of a 4xx answer. */
function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * A client's error: the message, where it happened and our extensions, nothing else. Built field by
 * field: on Node 20 an object spread followed by more fields gets hidden classes of its own every
 * time, which outlive young-generation GCs (see core/http.ts), and a dashboard answer has a dozen errors.
 */
function shaped(message: string, formatted: GraphQLFormattedError, extensions: Record<string, unknown>): GraphQLFormattedError {
  const out: { message: string; locations?: GraphQLFormattedError['locations']; path?: GraphQLFormattedError['path']; extensions?: Record<string, unknown> } = { message };
  if (formatted.locations) out.locations = formatted.locations;
  if (formatted.path) out.path = formatted.path;
  out.extensions = extensions;
  return out;
}

/** What a request's context offers the internal-error log: its id and the errors filed beside the data. */
interface ErrorLogContext {
  /** The request's id. */
  requestId?: string;
  /** Errors filed without failing the field they concern (server/request-errors.ts). */
  errors?: { readonly internal: ReadonlyArray<{ error: PbxError; path: ReadonlyArray<string | number> }> };
}

/** An unexpected failure as a log line's cause: its kind, message and stack (the server log only, never a client). */
function internalCause(err: unknown): Record<string, unknown> {
  const inner = err instanceof PbxError && err.cause !== undefined ? err.cause : err;
  return inner instanceof Error ? { kind: inner.name, message: inner.message, stack: inner.stack } : { kind: typeof inner };
}

/**
 * Logs every error a client sees as INTERNAL_SERVER_ERROR, with its request id, path and cause, so a
 * masked failure is never silent: errors thrown by resolvers and those reported beside the data.
 */
export function internalErrorLogPlugin(logger: Logger): ApolloServerPlugin<ErrorLogContext & object> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            if (original instanceof PbxError && original.code !== 'INTERNAL_SERVER_ERROR') continue;
            if (!(original instanceof PbxError) && formatError({ message: e.message, extensions: e.extensions }, e).extensions?.['code'] !== 'INTERNAL_SERVER_ERROR') continue;
            logger.error({ requestId: contextValue.requestId, path: e.path, cause: internalCause(original) }, 'internal error');
          }
        },
        async willSendResponse({ contextValue }) {
          for (const { error, path } of contextValue.errors?.internal ?? []) {
            logger.error({ requestId: contextValue.requestId, path, cause: internalCause(error) }, 'internal error');
          }
        },
      };
    },
  };
}
