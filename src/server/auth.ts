import type http from 'node:http';
import type { ApiKeyConfig } from '../core/config.ts';
import { requestError, sendError } from './http/respond.ts';
import { noteErrorCode, type RequestRecord } from './http/request.ts';
import { ApiKeys, RateLimiter, type Caller } from './security.ts';

/** Who may ask, and how often: API keys, then a token bucket per key (or per address without keys). */
export class Gatekeeper {
  readonly #keys: ApiKeys;
  readonly #limiter: RateLimiter;

  constructor(apiKeys: readonly ApiKeyConfig[], rateLimit: { capacity: number; refillPerSecond: number }) {
    this.#keys = new ApiKeys(apiKeys);
    this.#limiter = new RateLimiter(rateLimit.capacity, rateLimit.refillPerSecond);
  }

  /** True when API keys are configured. */
  get keysEnabled(): boolean {
    return this.#keys.enabled;
  }

  /** True when `req` presents a valid API key (no rate limit taken: operator endpoints). */
  authenticates(req: http.IncomingMessage): boolean {
    return this.#keys.enabled && this.#keys.authenticate(req.headers) !== null;
  }

  /**
   * The caller of `req`, or null after answering 401 (no valid key) or 429 (over its rate) itself.
   */
  admit(req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord): Caller | null {
    const caller = this.#keys.authenticate(req.headers);
    if (!caller) {
      const err = requestError('UNAUTHENTICATED', 'a valid API key is required (Authorization: Bearer <key> or x-api-key)');
      noteErrorCode(record, sendError(res, 401, err, { 'www-authenticate': 'Bearer' }));
      return null;
    }
    record.caller = caller.name;
    const wait = this.#limiter.take(this.#keys.enabled ? `key:${caller.name}` : `ip:${req.socket.remoteAddress ?? ''}`);
    if (wait > 0) {
      noteErrorCode(record, sendError(res, 429, requestError('RATE_LIMITED', 'too many requests for this API key'), { 'retry-after': String(wait) }));
      return null;
    }
    return caller;
  }
}
