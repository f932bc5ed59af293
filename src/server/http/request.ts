import { randomUUID } from 'node:crypto';
import type http from 'node:http';

/** What the request log line and the request metrics say about one HTTP request; filled in as it runs. */
export interface RequestRecord {
  /** The request id (the client's x-request-id when well-formed, else a new UUID). */
  requestId: string;
  /** performance.now() when it arrived. */
  started: number;
  /** The API key's name, once authenticated. */
  caller: string | null;
  /** The GraphQL operation's name, once resolved. */
  operation: string | null;
  /** The GraphQL operation's type (query, mutation, subscription), once resolved. */
  operationType: string | null;
  /** Vendor calls per source. */
  vendorCalls: Record<string, number>;
  /** The public error codes of the answer, in order, duplicates kept once. */
  errorCodes: string[];
  /** True for operator endpoints (health, metrics) that are neither logged nor counted. */
  quiet: boolean;
}

/** A fresh record for `req`, with its request id. */
export function newRequestRecord(req: http.IncomingMessage): RequestRecord {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(header) ? header : randomUUID();
  return { requestId, started: performance.now(), caller: null, operation: null, operationType: null, vendorCalls: {}, errorCodes: [], quiet: false };
}

/** Adds a public error code to the record (once). */
export function noteErrorCode(record: RequestRecord, code: string): void {
  if (!record.errorCodes.includes(code)) record.errorCodes.push(code);
}
