import type { Classification, SourceHttp } from '../../core/http.ts';
import { listAnswer, wholeAnswer } from '../../core/validate.ts';
import {
  TX_LIST_KEY, TxExtensionListEnvelope, TxExtensionSchema, TxLoginAnswerSchema,
  type TxErrorBody, type TxExtension, type TxExtensionList, type TxLoginAnswer,
} from './types.ts';

/** `reason` of a refused session token: TokenCache.use logs in again, once per token, on it. */
export const TOKEN_REJECTED = 'token_rejected';

/** The answers this client reads, checked at the edge (core/validate.ts). */
const ANSWERS = {
  login: wholeAnswer('auth/login', TxLoginAnswerSchema),
  list: listAnswer('pbx/extension', TxExtensionListEnvelope, TX_LIST_KEY, TxExtensionSchema),
  get: wholeAnswer('pbx/extension/ID', TxExtensionSchema),
};

/** Largest `limit` the list accepts (README facts: 1..1000). */
export const MAX_LIMIT = 1000;

/**
 * Telecom X's error vocabulary (README facts): the HTTP status plus a message word, often a field
 * name (400 bad_request, 403 access_denied, 404 not_found or the missing thing such as `token`, 422
 * the invalid field, 500 internal_error). The messages below are ours; the vendor body never
 * reaches a client.
 */
export function classifyTelecomxAnswer(status: number, body: unknown): Classification {
  if (status < 400) return undefined;
  const raw = body && typeof body === 'object' ? (body as TxErrorBody).message : typeof body === 'string' ? body : undefined;
  const word = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  // A refused token: 401, a 403 that is not the access level, or a 404 whose missing thing is the token.
  const tokenRefused = status === 401 || (status === 403 && word !== 'access_denied') || (status === 404 && word === 'token');
  if (tokenRefused) return { code: 'VENDOR_AUTH_FAILED', message: 'Telecom X refused the configured credentials', reason: TOKEN_REJECTED };
  // The message word often names the field at fault: kept as the internal reason, never shown.
  if (status === 400 || status === 422) return { code: 'BAD_USER_INPUT', message: 'Telecom X rejected the request', ...(typeof raw === 'string' ? { reason: raw.trim() } : {}) };
  // 403 access_denied is the access level of a valid credential, not a broken one: the object is
  // outside what this credential may see. A new login would not change that.
  if (status === 403) return { code: 'FORBIDDEN', message: 'the access level of the configured Telecom X credential does not allow this', reason: 'access_denied' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'not found at Telecom X' };
  if (status === 429) return { code: 'VENDOR_RATE_LIMITED', message: 'Telecom X is rate limiting this source' };
  return { code: 'VENDOR_UNAVAILABLE', message: 'Telecom X answered with an error' };
}

/** A list page request. */
export interface TxListParams {
  /** Index of the first item. */
  offset: number;
  /** Page size, 1..1000. */
  limit: number;
  /** Free-text filter. */
  filter?: string | undefined;
  /** Customer id, when the source is bound to one. */
  customer?: string | undefined;
}

/** One typed function per Telecom X endpoint; each takes the session token it runs under. */
export interface TelecomxClient {
  /** POST /auth/login (api:auth:login) — `username` (the user's e-mail) and password for a token valid `expiresInMinutes`. */
  login(username: string, password: string): Promise<TxLoginAnswer>;
  /**
   * GET /pbx/extension (README facts) — one page, sorted by number (stable), with phones (so status
   * and devices come with it) and goto targets expanded (so the page holds the full records).
   */
  listExtensions(token: string, params: TxListParams): Promise<TxExtensionList>;
  /** GET /pbx/extension/EXTENSION_ID?expandGoto=true&includePhones=true (telecomx.txt). */
  getExtension(token: string, id: string): Promise<TxExtension>;
}

/** Creates the client over the source's HTTP instance. */
/** `_sourceId` names the source; errors already carry it (core/http.ts). */
export function createTelecomxClient(http: SourceHttp, _sourceId?: string): TelecomxClient {
  return {
    // A login is a read in effect (repeating it only mints another token), so it may be retried.
    login: (username, password) => http.post('auth/login', { username, password }, { idempotent: true, answer: ANSWERS.login }),
    listExtensions: (token, { offset, limit, filter, customer }) =>
      http.get<TxExtensionList>('pbx/extension', {
        // The published examples pass the token as a query parameter.
        searchParams: { token, offset, limit, filter, customer, includePhones: true, expandGoto: true, sort: 'number' },
        answer: ANSWERS.list,
      }),
    getExtension: (token, id) =>
      http.get<TxExtension>(`pbx/extension/${encodeURIComponent(id)}`, { searchParams: { token, expandGoto: true, includePhones: true }, answer: ANSWERS.get }),
  };
}
