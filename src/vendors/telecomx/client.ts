import type { Classification, SourceHttp } from '../../core/http.ts';
import { PbxError } from '../../core/errors.ts';
import type { TxErrorBody, TxExtension, TxExtensionList, TxLoginAnswer } from './types.ts';

/** `reason` of a 401: the token is unknown or expired, so a fresh login may help (TokenCache.use). */
export const TOKEN_REJECTED = 'token_rejected';

/**
 * The list answer's page key. The published page names `offset`, `limit` and `total` beside the
 * page but not the page's own key; pbx-graph reads it as `items` (README facts). This is the one
 * place that choice lives: the simulator writes the same constant.
 */
export const PAGE_KEY = 'items';

/** Largest `limit` the list accepts (README facts: 1..1000). */
export const MAX_LIMIT = 1000;

/**
 * Telecom X's error vocabulary (telecomx.txt "Errors" and README facts): the HTTP status with a
 * `{code, message}` body whose message is a key. The messages below are ours; the vendor body never
 * reaches a client.
 */
export function classifyTelecomxAnswer(status: number, body: unknown): Classification {
  if (status < 400) return undefined;
  const key = body && typeof body === 'object' ? (body as TxErrorBody).message : undefined;
  // The message word often names the field at fault: kept as the internal reason, never shown.
  if (status === 400 || status === 422) return { code: 'BAD_USER_INPUT', message: 'Telecom X rejected the request', ...(key ? { reason: key } : {}) };
  // The docs name no status for a bad or lapsed token; Telecom X answers 401 (as HTTP means it), and
  // only that one is worth a fresh login.
  if (status === 401) return { code: 'VENDOR_AUTH_FAILED', message: 'Telecom X refused the configured credentials', reason: TOKEN_REJECTED };
  // 403 access_denied is the access level of a valid credential, not a broken one: the object is
  // outside what this credential may see. A new login would not change that.
  if (status === 403) return { code: 'FORBIDDEN', message: 'the access level of the configured Telecom X credential does not allow this', reason: key ?? 'access_denied' };
  if (status === 404) return { code: 'NOT_FOUND', message: 'not found at Telecom X' };
  if (status === 429) return { code: 'VENDOR_RATE_LIMITED', message: 'Telecom X is rate limiting this source' };
  return { code: 'VENDOR_UNAVAILABLE', message: 'Telecom X answered with an error' };
}

const malformed = (sourceId: string) => new PbxError('VENDOR_UNAVAILABLE', `${sourceId}: Telecom X answered with a malformed body`, sourceId);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  /** POST /auth/login (README facts) — e-mail and password for a token valid `expiresInMinutes`. */
  login(email: string, password: string): Promise<TxLoginAnswer>;
  /**
   * GET /pbx/extension (README facts) — one page, sorted by number (stable), with phones (so status
   * and devices come with it) and goto targets expanded (so the page holds the full records).
   */
  listExtensions(token: string, params: TxListParams): Promise<TxExtensionList>;
  /** GET /pbx/extension/EXTENSION_ID?expandGoto=true&includePhones=true (telecomx.txt). */
  getExtension(token: string, id: string): Promise<TxExtension>;
}

/** Creates the client over the source's HTTP instance. */
export function createTelecomxClient(http: SourceHttp, sourceId: string): TelecomxClient {
  return {
    async login(email, password) {
      // A login is a read in effect (repeating it only mints another token), so it may be retried.
      const body = await http.post<TxLoginAnswer>('auth/login', { email, password }, { idempotent: true });
      if (!isObject(body) || typeof body.token !== 'string' || body.token === '') throw malformed(sourceId);
      return body;
    },
    async listExtensions(token, { offset, limit, filter, customer }) {
      const body = await http.get<TxExtensionList>('pbx/extension', {
        // The published examples pass the token as a query parameter.
        searchParams: { token, offset, limit, filter, customer, includePhones: true, expandGoto: true, sort: 'number' },
      });
      if (!isObject(body) || !Array.isArray(body[PAGE_KEY])) throw malformed(sourceId);
      return body;
    },
    async getExtension(token, id) {
      const body = await http.get<TxExtension>(`pbx/extension/${encodeURIComponent(id)}`, {
        searchParams: { token, expandGoto: true, includePhones: true },
      });
      if (!isObject(body) || typeof body._id !== 'string') throw malformed(sourceId);
      return body;
    },
  };
}
