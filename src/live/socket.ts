import type http from 'node:http';
import {
  createSourceEventStream, execute, getOperationAST, GraphQLError, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SourceAdapter } from '../core/adapter.ts';
import { DEFAULT_WATCH_INTERVAL_MS, type AppConfig } from '../core/config.ts';
import { formatError } from '../core/errors.ts';
import type { CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import { newRequestScope } from '../core/request-scope.ts';
import type { Stores } from '../core/stores.ts';
import type { GatewayContext } from '../server/context.ts';
import type { ContextFactory } from '../server/graphql.ts';
import { ApiKeys, operationLimits, type Caller } from '../server/security.ts';
import { LiveHub } from './hub.ts';
import type { LiveContext } from './resolvers.ts';

/** What the live side of a gateway is built from. */
export interface LiveDeps {
  /** The gateway's HTTP server: the socket shares its port and `/graphql` path. */
  httpServer: http.Server;
  /** The executable schema (graphql-js runs subscriptions). */
  schema: GraphQLSchema;
  /** Every configured source. */
  sources: readonly SourceAdapter[];
  /** Builds a request's context, as for an HTTP request (the upgrade request stands for it). */
  makeContext: ContextFactory;
  /** Leases and the change feed. */
  stores: Stores;
  /** Configuration (API keys, operation limits, sources' watch intervals, socket limits). */
  config: AppConfig;
  /** Logger. */
  logger: Logger;
}

/** The live side of a running gateway. */
export interface Live {
  /** The hub (watchers, change feed). */
  hub: LiveHub;
  /** Sockets open now. */
  sockets(): number;
  /** Closes every socket (1001 going away), stops the watchers. */
  close(): Promise<void>;
}

/** A subscription sent over HTTP is told where subscriptions are served, before any resolver runs. */
export const subscriptionsOverHttpPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('subscriptions are served over WebSocket (graphql-transport-ws) on this same /graphql URL', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
    };
  },
};

/** Feeds the sources' circuit changes to the hub once it exists (adapters are built before it). */
export function liveObserver(inner: CallObserver, live: () => Live | undefined): CallObserver {
  return {
    onCall: (id, ms, code) => inner.onCall(id, ms, code),
    onRejected: (id) => inner.onRejected?.(id),
    onCircuit: (id, state) => {
      inner.onCircuit?.(id, state);
      live()?.hub.onCircuit(id, state);
    },
  };
}

/** The fields a connection's extra carries (graphql-ws's `ctx.extra`). */
interface SocketExtra {
  /** The socket. */
  readonly socket: WebSocket;
  /** The upgrade request. */
  readonly request: http.IncomingMessage;
  /** Who the socket authenticated as. */
  caller?: Caller;
}

/** The key a client put in `connectionParams`: `apiKey`, `x-api-key` or `Authorization: Bearer`. */
function presentedHeaders(params: Readonly<Record<string, unknown>> | undefined, request: http.IncomingMessage): http.IncomingHttpHeaders {
  const p = params ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const key = str(p['apiKey']) ?? str(p['x-api-key']);
  const auth = str(p['authorization']) ?? str(p['Authorization']);
  if (key !== undefined) return { 'x-api-key': key };
  if (auth !== undefined) return { authorization: auth };
  // Clients that can set headers on the upgrade request may authenticate as over HTTP.
  return request.headers;
}

/** Public errors only: the same formatting as HTTP answers. */
function formatted(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((e) => formatError(e.toJSON(), e));
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the graphql-transport-ws protocol) on the
 * gateway's own server and `/graphql` path. The API key is checked at connection (connectionParams),
 * each subscription sees the key's sources only, and the socket serves subscriptions only (queries
 * and mutations keep HTTP's rate limit and request log). Each event runs with a fresh request context
 * as a query does; subscribers asking the same with the same key share the event's execution, so an
 * event costs the vendors (and the gateway's CPU) the same however many of them asked.
 */
export function attachLive(deps: LiveDeps): Live {
  const { config, logger, schema } = deps;
  const limits = config.live;
  const hub = new LiveHub({
    sources: deps.sources,
    stores: deps.stores,
    logger: logger.child({ live: 'hub' }),
    maxSubscriptionsPerKey: limits.maxSubscriptionsPerKey,
    maxQueuedEvents: limits.maxQueuedEvents,
    defaultIntervalMs: DEFAULT_WATCH_INTERVAL_MS,
    intervals: new Map(config.sources.map((s) => [s.id, s.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS])),
  });
  // The same keys, scopes, source lists and operation limits as HTTP.
  const keys = new ApiKeys(config.apiKeys);
  const operation = operationLimits(config.limits, config.server.production);
  const rules = [...specifiedRules, ...operation.validationRules];
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: config.server.bodyLimitBytes });
  // Each event's answers, per document and per API key with its variables: subscribers asking the
  // same thing with the same key get one execution (its loaders, its vendor calls) and one answer.
  const eventResults = new WeakMap<object, Map<DocumentNode, Map<string, Promise<ExecutionResult>>>>();

  // Parsed and validated documents by their text: every open dashboard sends the same few, and one
  // syntax tree shared by all of them is most of what a subscription would otherwise hold.
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  function checkedDocument(query: string): DocumentNode | readonly GraphQLError[] {
    const known = documents.get(query);
    if (known) return known;
    let checked: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query, operation.parseOptions);
      const errors = validate(schema, document, rules);
      checked = errors.length > 0 ? errors : document;
    } catch (err) {
      checked = [err instanceof GraphQLError ? err : new GraphQLError('malformed query')];
    }
    if (documents.size >= 200) documents.delete(documents.keys().next().value!);
    documents.set(query, checked);
    return checked;
  }

  /**
   * One event executed for one subscription, in a fresh request context, as a query is. Its errors
   * come out public (formatError), the errors filed beside the data (ctx.errors) after the
   * executor's own, as an HTTP answer has them.
   */
  async function runEvent(args: ExecutionArgs, base: LiveContext, event: unknown): Promise<ExecutionResult> {
    const ctx: LiveContext = Object.assign(base.live!.newContext(), { live: base.live });
    const result = await execute({ ...args, rootValue: event, contextValue: ctx });
    if (!result.errors && ctx.errors.size === 0) return result;
    const errors = [...formatted(result.errors ?? []), ...ctx.errors.formatted()];
    return { ...result, errors: errors as never };
  }

  /** The event's answer for this subscription: shared with every subscription that asks the same. */
  function eventResult(args: ExecutionArgs, base: LiveContext, event: unknown): Promise<ExecutionResult> {
    if (!event || typeof event !== 'object') return runEvent(args, base, event);
    let byDocument = eventResults.get(event);
    if (!byDocument) {
      byDocument = new Map();
      eventResults.set(event, byDocument);
    }
    let byKey = byDocument.get(args.document);
    if (!byKey) {
      byKey = new Map();
      byDocument.set(args.document, byKey);
    }
    const key = JSON.stringify([base.caller.name, args.operationName ?? null, args.variableValues ?? null]);
    let result = byKey.get(key);
    if (!result) {
      result = runEvent(args, base, event);
      byKey.set(key, result);
    }
    return result;
  }

  /** graphql-js subscribe, with each event executed in its own context. */
  async function subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in (stream as object))) {
      // Refused before any event (an unknown source, the cap): its errors made public here.
      const refused = stream as ExecutionResult;
      return refused.errors ? { ...refused, errors: formatted(refused.errors) as never } : refused;
    }
    const source = stream as AsyncIterableIterator<unknown>;
    const base = args.contextValue as LiveContext;
    // An iterator object, not an async generator: a generator's return() waits for the pending
    // next() (the next event), and the subscription's watcher would poll on until then.
    const mapped: AsyncGenerator<ExecutionResult> = {
      async next() {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        return { value: await eventResult(args, base, r.value), done: false };
      },
      async return() {
        await source.return?.();
        return { value: undefined, done: true };
      },
      async throw(err: unknown) {
        await source.return?.();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return mapped;
      },
    } as AsyncGenerator<ExecutionResult>;
    return mapped;
  }

  const server = useServer<Record<string, unknown>, { caller?: Caller }>(
    {
      schema,
      subscribe,
      // The socket runs subscriptions only; nothing else reaches execute.
      execute: () => ({ errors: [new GraphQLError('only subscriptions are served over the socket')] }),
      async onConnect(ctx) {
        const caller = keys.authenticate(presentedHeaders(ctx.connectionParams, ctx.extra.request));
        if (!caller) return false;
        (ctx.extra as SocketExtra).caller = caller;
        return true;
      },
      onSubscribe(ctx, id, payload) {
        const caller = (ctx.extra as SocketExtra).caller!;
        const checked = checkedDocument(payload.query);
        if (!('kind' in checked)) return checked;
        const document = checked;
        const op = getOperationAST(document, payload.operationName ?? undefined);
        if (!op) return [new GraphQLError('no such operation in the document', { extensions: { code: 'BAD_REQUEST' } })];
        if (op.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over the socket: send queries and mutations over HTTP', { extensions: { code: 'BAD_REQUEST' } })];
        }
        if (!caller.scopes.has('read')) return [new GraphQLError('this API key lacks the read scope', { extensions: { code: 'FORBIDDEN' } })];
        const socket = ctx.extra.socket;
        const request = ctx.extra.request;
        const newContext = () => deps.makeContext(request, caller, newRequestScope(), `ws:${id}`);
        const base: LiveContext = newContext();
        base.live = {
          hub,
          newContext,
          // A reset, not a close frame: a client that cannot take more data would not read it either.
          dropSlowClient: () => socket.terminate(),
        };
        return { schema, document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null, contextValue: base };
      },
      onNext(ctx, _id, _payload, _args, result) {
        const socket = ctx.extra.socket;
        if (socket.bufferedAmount > limits.maxBufferedBytes) {
          logger.warn({ key: (ctx.extra as SocketExtra).caller?.name ?? null, bufferedBytes: socket.bufferedAmount }, 'slow subscriber dropped');
          socket.terminate();
          return;
        }
        // Errors were made public when the event ran (runEvent), or by onError before it.
        return result as never;
      },
      onError: (_ctx, _id, _payload, errors) => formatted(errors),
    },
    wss,
    limits.keepAliveMs,
  );

  return {
    hub,
    sockets: () => wss.clients.size,
    async close() {
      // graphql-ws closes each socket with 1001 and returns every subscription's iterator.
      await server.dispose();
      await hub.close();
    },
  };
}
