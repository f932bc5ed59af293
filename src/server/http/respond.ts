import type http from 'node:http';
import { GraphQLError } from 'graphql';
import { formatError, PbxError } from '../../core/errors.ts';

/** Writes `body` as a JSON answer. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Answers an error the HTTP layer decides (401, 404, 413, 429, a malformed body, a crash) in the
 * GraphQL error shape, through the same formatError as every other error, so a client parses one
 * shape and nothing unmasked slips out. Returns the public code it sent.
 */
export function sendError(res: http.ServerResponse, status: number, error: unknown, headers: Record<string, string> = {}): string {
  const gql = error instanceof PbxError ? error.toGraphQLError() : error instanceof GraphQLError ? error : new GraphQLError('Internal server error');
  const formatted = formatError(gql.toJSON(), error);
  sendJson(res, status, { errors: [formatted] }, headers);
  const code = formatted.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** A client error of the HTTP layer, with one of the request codes formatError lets through. */
export const requestError = (code: 'BAD_REQUEST' | 'UNAUTHENTICATED' | 'RATE_LIMITED', message: string): GraphQLError => new GraphQLError(message, { extensions: { code } });
