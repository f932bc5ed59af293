import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Kind, type FormattedExecutionResult } from 'graphql';
import type { Logger } from '../core/logger.ts';
import type { KeyValueStore } from '../core/stores.ts';
import type { GatewayContext } from './context.ts';

/** Options of the mutation plugin. */
export interface MutationPluginOptions {
  /** Where idempotency records live (shared across replicas when the store is). */
  kv: KeyValueStore;
  /** Logger for the audit lines. */
  logger: Logger;
  /** How long a finished answer is replayed, ms (24 h). */
  ttlMs?: number;
  /** How long a replay waits for the first request to finish, ms. */
  waitMs?: number;
  /** How long a running record outlives a replica that died mid-request, ms. */
  runningTtlMs?: number;
}

/** A stored idempotency record. */
type IdemRecord = { state: 'running'; fp: string } | { state: 'done'; fp: string; result: FormattedExecutionResult };

/** Answers whose errors say nothing changed, or that the outcome is unknown: a retry must run again. */
const RETRY_RUNS_AGAIN: ReadonlySet<string> = new Set([
  'VENDOR_UNAVAILABLE', 'VENDOR_TIMEOUT', 'VENDOR_RATE_LIMITED', 'VENDOR_AUTH_FAILED', 'UPSTREAM_OUTCOME_UNKNOWN', 'INTERNAL_SERVER_ERROR',
]);

/** Payload fields that hold a secret handed out once: never stored, so never replayed. */
const ONCE_ONLY_FIELDS: ReadonlySet<string> = new Set(['generatedPassword']);

const KEY_SYNTAX = /^[A-Za-z0-9_.:-]{1,255}$/;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** JSON with object keys sorted, so equal variables give equal fingerprints whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A copy of `value` with once-only secrets nulled. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = ONCE_ONLY_FIELDS.has(k) && v !== null ? null : scrub(v);
    return out;
  }
  return value;
}

function errorResponse(message: string, code: string): GraphQLResponse {
  return { http: { status: 200, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code } }] } } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * graphql-js quotes the offending value in its input errors ("Variable "$i" got invalid value 1234
 * at "i.voicemailPin"; ..."), and an input value may be a password or PIN: the value is cut, the
 * variable, path and type are kept.
 */
export function withoutInputValue(message: string): string {
  const variable = /^Variable "([^"]+)" got invalid value [\s\S]*?(?: at "([^"]+)")?; ([\s\S]*)$/.exec(message);
  if (variable) return `Variable "${variable[1]}" has an invalid value${variable[2] ? ` at "${variable[2]}"` : ''}`;
  const found = /^(Expected value of type "[^"]+"), found [\s\S]*$/.exec(message);
  if (found) return found[1]!;
  const represent = /^([A-Za-z_][A-Za-z0-9_]* cannot represent [^:]*): [\s\S]*$/.exec(message);
  if (represent) return represent[1]!;
  return message;
}

/**
 * Mutations' request-level duties. Idempotency: a mutation request with an `Idempotency-Key` header
 * is answered once per API key and key; a replay of the same operation and variables gets the first
 * answer with no vendor call, a replay while the first runs waits for it, and another request under
 * the same key is refused. Audit: each mutation's entry (server/mutations.ts) becomes one log line.
 */
export function mutationPlugin(opts: MutationPluginOptions): ApolloServerPlugin<GatewayContext> {
  const ttlMs = opts.ttlMs ?? 24 * 3_600_000;
  const waitMs = opts.waitMs ?? 30_000;
  const runningTtlMs = opts.runningTtlMs ?? 600_000;
  const { kv, logger } = opts;
  return {
    async requestDidStart() {
      let owned: { storeKey: string; fp: string } | undefined;
      return {
        async responseForOperation({ operation, request, contextValue }) {
          if (operation.operation !== 'mutation') return null;
          const key = request.http?.headers.get('idempotency-key');
          if (key === undefined) return null;
          if (!KEY_SYNTAX.test(key)) return errorResponse('Idempotency-Key must be 1-255 letters, digits, _ . : or -', 'BAD_USER_INPUT');
          const fp = sha256(canonical([request.query ?? '', request.operationName ?? null, request.variables ?? {}]));
          // The caller's name scopes the key: two API keys never see each other's answers.
          const storeKey = `idempotency:${sha256(contextValue.caller.name)}:${sha256(key)}`;
          const deadline = performance.now() + waitMs;
          try {
            for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
              if (await kv.setIfAbsent(storeKey, JSON.stringify({ state: 'running', fp } satisfies IdemRecord), runningTtlMs)) {
                owned = { storeKey, fp };
                return null;
              }
              const raw = await kv.get(storeKey);
              if (raw !== undefined) {
                const rec = JSON.parse(raw) as IdemRecord;
                if (rec.fp !== fp) return errorResponse('this Idempotency-Key was already used for a different operation or variables', 'BAD_USER_INPUT');
                if (rec.state === 'done') {
                  // A replay changes nothing, but who asked for it is still on record.
                  const fields = operation.selectionSet.selections.flatMap((sel) => (sel.kind === Kind.FIELD ? [sel.name.value] : []));
                  (contextValue.audit ??= []).push({ operation: fields.join(',') || 'mutation', source: null, targets: {}, outcome: 'replayed', vendorCalls: 0 });
                  return { http: { status: 200, headers: new HeaderMap([['idempotent-replayed', 'true']]) }, body: { kind: 'single', singleResult: rec.result } };
                }
              }
              if (performance.now() >= deadline) {
                return errorResponse('the first request with this Idempotency-Key has not finished; its outcome is not known yet', 'UPSTREAM_OUTCOME_UNKNOWN');
              }
              await sleep(delay);
            }
          } catch (err) {
            // The store is away (shared stores fail fast): the mutation still runs, without a record.
            logger.warn({ requestId: contextValue.requestId, err: err instanceof Error ? err.message : String(err) }, 'idempotency store unavailable: this mutation runs without its Idempotency-Key record');
            return null;
          }
        },
        async willSendResponse({ response, contextValue }) {
          // Read now, before any await: the answer as the client gets it.
          const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (single?.errors) single.errors = single.errors.map((e) => (withoutInputValue(e.message) === e.message ? e : { ...e, message: withoutInputValue(e.message) }));
          const entries = contextValue.audit ?? [];
          for (const e of entries) {
            logger.info({ audit: true, requestId: contextValue.requestId, key: contextValue.caller.name, ...e }, 'mutation');
          }
          if (!owned) return;
          const { storeKey, fp } = owned;
          const rerun = !single || (single.errors ?? []).some((e) => RETRY_RUNS_AGAIN.has(String(e.extensions?.['code'])));
          // The write is done: a store gone meanwhile must not turn its answer into an error.
          const unrecorded = (err: unknown) =>
            logger.warn({ requestId: contextValue.requestId, err: err instanceof Error ? err.message : String(err) }, 'idempotency store unavailable: the answer of this mutation was not recorded');
          if (rerun) {
            await kv.delete(storeKey).catch(unrecorded);
            return;
          }
          const { extensions: _own, ...rest } = single;
          const result = scrub(rest) as FormattedExecutionResult;
          await kv.set(storeKey, JSON.stringify({ state: 'done', fp, result } satisfies IdemRecord), ttlMs).catch(unrecorded);
        },
      };
    },
  };
}
