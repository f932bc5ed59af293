import http from 'node:http';
import https from 'node:https';
import { got, HTTPError, RequestError, TimeoutError, type Got, type StreamOptions } from 'got';
import CircuitBreaker from 'opossum';
import { AnswerMemo, DEFAULT_ANSWER_MEMO_BYTES, parseAnswer } from './answer-memo.ts';
import { PbxError, type PublicErrorCode } from './errors.ts';
import { countCall, reportProblem, type RequestScope } from './request-scope.ts';
import type { Logger } from './logger.ts';
import { BadAnswer, type AnswerSchema } from './validate.ts';

/** A call's stream (got.stream). */
type GotStream = ReturnType<Got['stream']>;

/** A vendor's reading of an answer: a public code and our own message, or undefined when fine. */
export type Classification = { code: PublicErrorCode; message: string; reason?: string } | undefined;

/** A source's circuit breaker state: closed (calls go out), open (they fail at once), half-open (one trial call). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Observes every vendor call (metrics). */
export interface CallObserver {
  /** One call finished (any outcome); `code` is the public error code or undefined on success. */
  onCall(sourceId: string, durationMs: number, code: PublicErrorCode | undefined): void;
  /** A call was not sent because the source's circuit is open. */
  onRejected?(sourceId: string): void;
  /** The source's circuit changed state. */
  onCircuit?(sourceId: string, state: CircuitState): void;
}

/**
 * When a failing vendor stops being called for a while (config `breaker`). Counted as failures:
 * the outcomes that say the vendor is down or not answering (VENDOR_UNAVAILABLE, VENDOR_TIMEOUT,
 * UPSTREAM_OUTCOME_UNKNOWN); a 404, a rejected input or refused credentials are answers.
 */
export interface BreakerOptions {
  /** Fewest calls within the window before the circuit may open. */
  minCalls: number;
  /** The circuit opens when more than this percentage of the window's calls failed. */
  failurePercent: number;
  /** The rolling window the failure rate is taken over, ms. */
  windowMs: number;
  /** How long calls fail at once before one trial call is let through, ms. */
  openMs: number;
}

/** Options for one source's HTTP client. */
export interface SourceHttpOptions {
  /** Configured source id: named in errors and counters. */
  sourceId: string;
  /** Base URL every path is relative to. */
  baseUrl: string;
  /** Whole-request timeout in milliseconds (got has none by default). */
  timeoutMs: number;
  /** Headers sent on every call (vendor authentication). */
  headers?: Record<string, string>;
  /**
   * The vendor's error vocabulary: reads a status and parsed body (2xx included, for vendors that
   * answer errors in a 200 envelope) and names the public code. Undefined falls back to the HTTP
   * status rules below.
   */
  classify?: (status: number, body: unknown) => Classification;
  /** Logger for failed calls, bound to the source: its lines carry the source id (bodies are never logged). */
  logger: Logger;
  /** Metrics observer. */
  observer?: CallObserver;
  /** Circuit breaker; absent or false: every call is sent. */
  breaker?: BreakerOptions | false;
  /** Raw bytes of answers to reads kept to recognise an unchanged answer (answer-memo.ts); 0 keeps none. */
  answerMemoBytes?: number;
}

/** Per-call options; `answer` is the endpoint's schema, checked before the answer is handed on. */
export interface CallOptions<T = unknown> {
  /** Query string. */
  searchParams?: Record<string, string | number | boolean | undefined>;
  /** Extra headers. */
  headers?: Record<string, string>;
  /**
   * True when repeating the call is harmless (reads, including vendors' POST reads). Only such calls
   * are retried, and only their timeouts count as VENDOR_TIMEOUT; a non-idempotent call whose
   * outcome is unknown is UPSTREAM_OUTCOME_UNKNOWN.
   */
  idempotent?: boolean;
  /**
   * The endpoint's answer schema (validate.ts): an answer that does not parse is VENDOR_BAD_RESPONSE,
   * a list's unreadable records are dropped and reported once per request. Absent: handed on as is.
   */
  answer?: AnswerSchema<T>;
}

/** One source's HTTP client: JSON in, JSON out, errors already public. */
export interface SourceHttp {
  /** GET a JSON answer (idempotent). */
  get<T>(path: string, opts?: CallOptions<T>): Promise<T>;
  /** POST a JSON body and read a JSON answer (non-idempotent unless said). */
  post<T>(path: string, body: unknown, opts?: CallOptions<T>): Promise<T>;
  /** DELETE and read a JSON answer (non-idempotent: never retried). */
  delete<T>(path: string, opts?: CallOptions<T>): Promise<T>;
  /**
   * The same client for one GraphQL request: its calls (retries included) are counted in `scope`,
   * and an identical idempotent call already in flight for the request is joined, not repeated.
   * Without a scope, calls are neither counted per request nor shared.
   */
  scoped(scope: RequestScope | undefined): SourceHttp;
  /** Drops the remembered answers (answer-memo.ts): after a write, the next read is parsed afresh. */
  forgetAnswers(): void;
  /** Closes the keep-alive sockets. */
  close(): void;
}

function fallbackCode(status: number, idempotent: boolean): PublicErrorCode {
  if (status === 401 || status === 403) return 'VENDOR_AUTH_FAILED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return idempotent ? 'VENDOR_TIMEOUT' : 'UPSTREAM_OUTCOME_UNKNOWN';
  if (status === 429) return 'VENDOR_RATE_LIMITED';
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  // 503 says the request was not processed; other 5xx on a write leave its outcome unknown.
  if (status === 503 || idempotent) return 'VENDOR_UNAVAILABLE';
  return 'UPSTREAM_OUTCOME_UNKNOWN';
}

const FALLBACK_MESSAGE: Record<PublicErrorCode, string> = {
  NOT_FOUND: 'not found at the vendor',
  BAD_USER_INPUT: 'the vendor rejected the request',
  UNAUTHENTICATED: 'not authenticated',
  FORBIDDEN: 'forbidden',
  UNSUPPORTED_BY_VENDOR: 'not supported by the vendor',
  VENDOR_UNAVAILABLE: 'the vendor API is unavailable',
  VENDOR_TIMEOUT: 'the vendor API did not answer in time',
  VENDOR_AUTH_FAILED: 'the vendor refused the configured credentials',
  VENDOR_RATE_LIMITED: 'the vendor API is rate limiting this source',
  VENDOR_BAD_RESPONSE: 'the vendor API answered something that does not parse',
  UPSTREAM_OUTCOME_UNKNOWN: 'the vendor call failed and its outcome is unknown',
  INTERNAL_SERVER_ERROR: 'internal error',
};

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return raw;
  try {
    return JSON.parse(raw.toString());
  } catch {
    return undefined;
  }
}

/**
 * The one place where transport and vendor failures become public errors. The message is ours; the
 * original error is kept as `cause` for the server log only.
 */
function translate(err: unknown, sourceId: string, idempotent: boolean, classify?: SourceHttpOptions['classify']): PbxError {
  if (err instanceof PbxError) return err;
  const make = (code: PublicErrorCode, message?: string, reason?: string) =>
    new PbxError(code, `${sourceId}: ${message ?? FALLBACK_MESSAGE[code]}`, sourceId, { cause: err, ...(reason ? { reason } : {}) });
  if (err instanceof HTTPError) {
    const status = err.response.statusCode;
    const verdict = classify?.(status, parseBody(err.response.body));
    if (verdict) return make(verdict.code, verdict.message, verdict.reason);
    return make(fallbackCode(status, idempotent));
  }
  if (err instanceof TimeoutError) return make(idempotent ? 'VENDOR_TIMEOUT' : 'UPSTREAM_OUTCOME_UNKNOWN');
  if (err instanceof RequestError) {
    // Refused or unresolvable: nothing was sent, so even a write is known not to have happened.
    const notSent = err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN';
    return make(notSent || idempotent ? 'VENDOR_UNAVAILABLE' : 'UPSTREAM_OUTCOME_UNKNOWN');
  }
  return make('INTERNAL_SERVER_ERROR');
}

/** The longest a Retry-After is honoured, s: a vendor's typo must not silence a source for a day. */
const MAX_RETRY_AFTER_S = 3600;
/** The hold after a 429 that names no Retry-After, s. */
const DEFAULT_RETRY_AFTER_S = 1;

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), within 0..MAX_RETRY_AFTER_S. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return DEFAULT_RETRY_AFTER_S;
  const t = v.trim();
  let seconds: number;
  if (/^\d+$/.test(t)) seconds = Number(t);
  else {
    const at = Date.parse(t);
    if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_S;
    seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_S);
}

/** Which phase a timed-out call was in, from got's timings: no socket yet, no answer yet, or the body. */
function timeoutKind(err: RequestError): 'connect' | 'response' | 'read' {
  const t = err.timings;
  if (!t || t.connect === undefined) return 'connect';
  if (t.response === undefined) return 'response';
  return 'read';
}

/**
 * What a log line says of a failed call: the error's kind, errno code, host, HTTP status and timeout
 * phase. Never its message (got's messages carry the URL, and with it a token in the query) nor a body.
 */
function causeOf(err: unknown, host: string): Record<string, unknown> {
  if (err instanceof PbxError) {
    const inner = err.cause;
    return inner === undefined ? { kind: 'vendor_answer', reason: err.reason, host } : causeOf(inner, host);
  }
  if (err instanceof BadAnswer) return { kind: 'bad_answer', field: err.issue.path, problem: err.issue.problem, host };
  if (err instanceof HTTPError) return { kind: 'http_status', status: err.response.statusCode, host };
  if (err instanceof TimeoutError) return { kind: 'timeout', timeout: timeoutKind(err), host };
  if (err instanceof RequestError) return { kind: 'transport', errno: err.code, host };
  return { kind: err instanceof Error ? err.name : typeof err, host };
}

/** Query parameters without the undefined ones. */
function definedParams(params: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const k in params) {
    const v = params[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The outcomes that count against a source's circuit (the vendor down or not answering). */
const OUTAGE: ReadonlySet<PublicErrorCode> = new Set(['VENDOR_UNAVAILABLE', 'VENDOR_TIMEOUT', 'UPSTREAM_OUTCOME_UNKNOWN']);

/** A call's work, run by the breaker (opossum calls its action with the arguments of `fire`). */
type Run = () => Promise<unknown>;

/**
 * One source's circuit breaker (opossum): while a vendor is failing, its part of an answer is an
 * error at once instead of a call that waits for its 500 or its timeout, and the vendor is not
 * hammered while it recovers. Open, it lets one trial call through every `openMs`; the rest fail
 * at once, they do not queue behind the trial.
 */
function createBreaker(o: BreakerOptions, sourceId: string, logger: Logger, observer: CallObserver | undefined): CircuitBreaker<[Run], unknown> {
  const breaker = new CircuitBreaker<[Run], unknown>((run: Run) => run(), {
    name: sourceId,
    // got has the timeout (SourceHttpOptions.timeoutMs); a second one here would race it.
    timeout: false,
    resetTimeout: o.openMs,
    rollingCountTimeout: o.windowMs,
    rollingCountBuckets: 10,
    volumeThreshold: o.minCalls,
    errorThresholdPercentage: o.failurePercent,
    // Only outages count; any other error is an answer (filtered errors count as successes).
    errorFilter: (err: unknown) => !(err instanceof PbxError && OUTAGE.has(err.code)),
    // Neither is read: no latency arrays kept per bucket, no snapshot timer.
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
  breaker.on('open', () => {
    logger.warn({ openMs: o.openMs }, 'circuit opened: calls to this source fail at once until a trial call succeeds');
    observer?.onCircuit?.(sourceId, 'open');
  });
  breaker.on('halfOpen', () => observer?.onCircuit?.(sourceId, 'half-open'));
  breaker.on('close', () => {
    logger.info('circuit closed: calls to this source resumed');
    observer?.onCircuit?.(sourceId, 'closed');
  });
  breaker.on('reject', () => observer?.onRejected?.(sourceId));
  // The state is in /metrics from the start, so an alert can compare it with 0.
  observer?.onCircuit?.(sourceId, 'closed');
  return breaker;
}

/**
 * One call through got's stream API: the status and the whole body. A non-2xx answer is got's
 * HTTPError (its body read, for `classify`); a retry got grants (`retry` of the instance) is
 * followed on the stream got creates for it.
 */
function receive(instance: Got, url: string, init: StreamOptions, onRetry: () => void): Promise<{ statusCode: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const attach = (stream: GotStream) => {
      const chunks: Buffer[] = [];
      let statusCode = 0;
      let done = false;
      stream.once('response', (r: { statusCode: number }) => {
        statusCode = r.statusCode;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => {
        if (done) return;
        done = true;
        resolve({ statusCode, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      });
      stream.once('error', (err: unknown) => {
        if (done) return;
        done = true;
        reject(err);
      });
      stream.once('retry', (_count: number, _error: unknown, createRetryStream: () => GotStream) => {
        // This attempt is over: what it emits from now on is not the answer.
        done = true;
        onRetry();
        attach(createRetryStream());
      });
    };
    // got.stream(url, o) is got(url, { ...o, isStream: true }): a spread per call (see createSourceHttp).
    attach(instance(url, init) as unknown as GotStream);
  });
}

/**
 * Creates one source's got instance: explicit timeout, keep-alive sockets, retries only for
 * idempotent calls (once, on connection resets and 502/503/504), error translation, and the
 * source's circuit breaker.
 */
export function createSourceHttp(opts: SourceHttpOptions): SourceHttp {
  const agent = {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };
  const prefixUrl = opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`;
  // Calls go through got's stream API (`receive`), not its promise API: the promise wraps each call
  // in a p-cancelable promise that defines accessors per call, and on this V8 (Node 20) every call's
  // response, body and request then outlive young-generation GCs until the next full GC.
  // mutableDefaults only until cacheOptions is emptied: see below.
  const client: Got = got.extend({
    mutableDefaults: true,
    prefixUrl,
    timeout: { request: opts.timeoutMs },
    agent,
    headers: { 'user-agent': 'pbx-graph', ...(opts.headers ?? {}) },
    throwHttpErrors: true,
    retry: { limit: 0 },
  });
  // got builds each call's node:http options as `{ ...cacheOptions, ...more fields }`. On Node 20's
  // V8 an object spread followed by more fields gets a new chain of hidden classes every time,
  // which the young-generation GC cannot free. With no cacheOptions keys (they are
  // only read by got's HTTP cache, which is off) the spread is empty and the classes are shared.
  client.defaults.options.cacheOptions = {};
  client.defaults.options.freeze();
  // Reads (and vendors' POST reads) are retried once, on connection resets and 502/503/504. The two
  // instances are made once: options given per call are merged into got's defaults on every call.
  const reads: Got = client.extend({ retry: { limit: 1, methods: ['GET', 'POST'], statusCodes: [502, 503, 504], errorCodes: ['ECONNRESET', 'EPIPE'] } });
  const memoBytes = opts.answerMemoBytes ?? DEFAULT_ANSWER_MEMO_BYTES;
  const memo = new AnswerMemo(memoBytes);
  const memoOn = memoBytes > 0;

  const breaker = opts.breaker ? createBreaker(opts.breaker, opts.sourceId, opts.logger, opts.observer) : undefined;
  const openSeconds = opts.breaker ? Math.ceil(opts.breaker.openMs / 1000) : 0;
  const host = new URL(prefixUrl).host;
  /** Until when (epoch ms) the vendor asked not to be called (its last 429's Retry-After). */
  let heldUntil = 0;

  /** The error of a call made or refused while the vendor rate limits this source. */
  const rateLimited = (seconds: number, cause?: unknown) =>
    new PbxError('VENDOR_RATE_LIMITED', `${opts.sourceId}: ${FALLBACK_MESSAGE.VENDOR_RATE_LIMITED}; retry after ${seconds} s`, opts.sourceId, {
      retryAfterSeconds: seconds,
      ...(cause !== undefined ? { cause } : {}),
    });

  /** `readKey`: the call's identity when it is a read (idempotent), undefined for a write. */
  function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, co: CallOptions<T>, scope: RequestScope | undefined, readKey: string | undefined): Promise<T> {
    // Held by a 429: answered at once, and the vendor is not called until the time it named.
    const wait = heldUntil - Date.now();
    if (wait > 0) return Promise.reject(rateLimited(Math.ceil(wait / 1000)));
    if (!breaker) return send<T>(method, path, body, co, scope, readKey);
    return (breaker.fire(() => send<T>(method, path, body, co, scope, readKey)) as Promise<T>).catch((err: unknown) => {
      // send() throws PbxErrors only; anything else is opossum refusing the call.
      if (err instanceof PbxError) throw err;
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'EOPENBREAKER') {
        throw new PbxError('VENDOR_UNAVAILABLE', `${opts.sourceId}: the vendor API has been failing; calls to it are paused for up to ${openSeconds} s`, opts.sourceId, {
          cause: err,
          reason: 'circuit_open',
        });
      }
      if (code === 'ESHUTDOWN') throw new PbxError('VENDOR_UNAVAILABLE', `${opts.sourceId}: the source is shutting down`, opts.sourceId, { cause: err, reason: 'shutdown' });
      throw err;
    });
  }

  async function send<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, co: CallOptions<T>, scope: RequestScope | undefined, readKey: string | undefined): Promise<T> {
    const idempotent = readKey !== undefined;
    const started = performance.now();
    const init: StreamOptions = { isStream: true, method };
    if (co.headers) init.headers = co.headers;
    if (co.searchParams) init.searchParams = definedParams(co.searchParams);
    if (method === 'POST') init.json = body;
    // A stream without a body would wait for one to be piped in: a DELETE sends an empty one.
    else if (method === 'DELETE') init.body = '';
    try {
      // Every attempt is a vendor call of the request (a retried call counts twice). Counted here,
      // not in a got hook: got awaits each hook before it writes the request.
      const count = () => {
        if (scope) countCall(scope, opts.sourceId);
      };
      count();
      const raw = await receive(idempotent ? reads : client, path.replace(/^\//, ''), init, count);
      let answer: unknown;
      try {
        // Only reads are remembered: a write's answer is not asked for twice alike.
        answer = readKey !== undefined && memoOn ? memo.parse(readKey, raw.body) : parseAnswer(raw.body);
      } catch {
        // Not JSON at all (a proxy's error page, a cut-off body): the API is not answering as itself.
        throw new PbxError('VENDOR_UNAVAILABLE', `${opts.sourceId}: the vendor API answered with a malformed body`, opts.sourceId, { reason: 'malformed_json' });
      }
      const verdict = opts.classify?.(raw.statusCode, answer);
      if (verdict) throw new PbxError(verdict.code, `${opts.sourceId}: ${verdict.message}`, opts.sourceId, verdict.reason ? { reason: verdict.reason } : {});
      const value = co.answer ? decoded(co.answer, answer, scope, method, path) : (answer as T);
      opts.observer?.onCall(opts.sourceId, performance.now() - started, undefined);
      return value;
    } catch (err) {
      let pe: PbxError;
      if (err instanceof BadAnswer) {
        pe = new PbxError('VENDOR_BAD_RESPONSE', `${opts.sourceId}: ${FALLBACK_MESSAGE.VENDOR_BAD_RESPONSE}`, opts.sourceId, { cause: err });
      } else if (err instanceof HTTPError && err.response.statusCode === 429) {
        const seconds = parseRetryAfter(err.response.headers['retry-after']);
        heldUntil = Math.max(heldUntil, Date.now() + seconds * 1000);
        pe = rateLimited(seconds, err);
      } else {
        pe = translate(err, opts.sourceId, idempotent, opts.classify);
      }
      opts.observer?.onCall(opts.sourceId, performance.now() - started, pe.code);
      opts.logger.warn({ requestId: scope?.requestId, method, path, code: pe.code, cause: causeOf(err, host) }, 'vendor call failed');
      throw pe;
    }
  }

  /**
   * The answer through its schema (remembered per answer object, so an unchanged answer is checked
   * once); dropped records are logged when first seen and reported to every request that gets them.
   */
  function decoded<T>(schema: AnswerSchema<T>, answer: unknown, scope: RequestScope | undefined, method: string, path: string): T {
    const seen = schema.decode(answer);
    if (seen.dropped.length > 0) {
      if (!dropLogged.has(seen)) {
        dropLogged.add(seen);
        opts.logger.warn(
          { requestId: scope?.requestId, method, path, endpoint: schema.endpoint, code: 'VENDOR_BAD_RESPONSE', dropped: seen.dropped.length, fields: seen.dropped.slice(0, 5).map((d) => d.path), problem: seen.dropped[0]!.problem },
          'vendor records dropped: they do not parse',
        );
      }
      if (scope) {
        reportProblem(scope, new PbxError('VENDOR_BAD_RESPONSE', `${opts.sourceId}: ${seen.dropped.length} record(s) of the vendor's answer do not parse and are left out`, opts.sourceId));
      }
    }
    return seen.value;
  }
  /** Decoded answers whose dropped records were logged already (one line per distinct answer). */
  const dropLogged = new WeakSet<object>();

  /**
   * Within one GraphQL request, an identical idempotent call already in flight is joined rather than
   * sent again (two resolvers asking the same thing before a loader could batch them). Scoped to the
   * request, so one caller never receives an answer fetched for another.
   */
  function shared<T>(scope: RequestScope | undefined, method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, co: CallOptions<T> = {}): Promise<T> {
    if (!(co.idempotent ?? method === 'GET')) return call<T>(method, path, body, co, scope, undefined);
    // A read's identity: the in-flight calls it may join, and the answer memo's entry. (JSON drops
    // undefined query values, as the request does.)
    const key = JSON.stringify([opts.sourceId, method, path, co.searchParams ?? null, body ?? null, co.headers ?? null, co.answer?.endpoint ?? null]);
    if (!scope) return call<T>(method, path, body, co, scope, key);
    const hit = scope.inflight.get(key);
    if (hit) return hit as Promise<T>;
    const p = call<T>(method, path, body, co, scope, key).finally(() => scope.inflight.delete(key));
    scope.inflight.set(key, p);
    return p;
  }

  const close = () => {
    breaker?.shutdown();
    agent.http.destroy();
    agent.https.destroy();
  };
  const view = (scope: RequestScope | undefined): SourceHttp => ({
    get: (path, co) => shared(scope, 'GET', path, undefined, co),
    post: (path, body, co) => shared(scope, 'POST', path, body, co),
    delete: (path, co) => shared(scope, 'DELETE', path, undefined, { ...co, idempotent: false }),
    scoped: view,
    forgetAnswers: () => memo.clear(),
    close,
  });
  return view(undefined);
}
