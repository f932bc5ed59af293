import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { getLocation, type SourceLocation } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { SourceAdapter } from '../core/adapter.ts';
import type { AppConfig } from '../core/config.ts';
import { formatError } from '../core/errors.ts';
import { GlobalIds } from '../core/ids.ts';
import { createSourceHttp, type CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import { newRequestScope } from '../core/request-scope.ts';
import { createMemoryStores, type Stores } from '../core/stores.ts';
import type { BaseSourceConfig, VendorModule } from '../core/vendor-module.ts';
import { createContext, releaseContext, type GatewayContext } from './context.ts';
import { PageHints } from './page-hints.ts';
import { createMetrics } from './metrics.ts';
import { buildSchema } from './schema.ts';
import { jitExecutor } from './jit.ts';
import { ApiKeys, operationLimits, RateLimiter, scopePlugin } from './security.ts';
import { DashboardAssets } from '../live/dashboard.ts';
import { attachLive, liveObserver, subscriptionsOverHttpPlugin, type Live } from '../live/socket.ts';

/** What the gateway is built from. */
export interface GatewayDeps {
  /** Validated configuration. */
  config: AppConfig;
  /** The vendor registry. */
  vendors: ReadonlyMap<string, VendorModule>;
  /** Logger. */
  logger: Logger;
  /** Vendor-call observer (metrics). */
  observer?: CallObserver;
  /** Shared state (idempotency, tokens, leases, change feed); in memory when absent. */
  stores?: Stores;
}

/** A running gateway. */
export interface Gateway {
  /** The GraphQL endpoint URL. */
  url: string;
  /** The port it listens on. */
  port: number;
  /** The source adapters, in configuration order. */
  sources: readonly SourceAdapter[];
  /** Stops accepting requests, drains the in-flight ones, closes vendor sockets. */
  stop(): Promise<void>;
}

/** Builds one adapter per configured source through its vendor's factory. */
export function createAdapters(sources: readonly BaseSourceConfig[], deps: Pick<GatewayDeps, 'vendors' | 'logger' | 'observer'>): SourceAdapter[] {
  return sources.map((cfg) => {
    const mod = deps.vendors.get(cfg.vendor);
    if (!mod) throw new Error(`no vendor module for ${cfg.vendor}`);
    const logger = deps.logger.child({ source: cfg.id, vendor: cfg.vendor });
    return mod.createAdapter(cfg, {
      logger,
      // The breaker and the answer memo are the source's config, not the vendor's: adapters never see them.
      createHttp: (opts) =>
        createSourceHttp({
          ...opts,
          logger,
          ...(cfg.breaker ? { breaker: cfg.breaker } : {}),
          ...(cfg.answerMemoBytes !== undefined ? { answerMemoBytes: cfg.answerMemoBytes } : {}),
          ...(deps.observer ? { observer: deps.observer } : {}),
        }),
    });
  });
}

/** Adds the errors of sources that failed inside a list (which kept its other data) to the answer. */
const partialErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || contextValue.partialErrors.length === 0) return;
        // Built field by field, in the order graphql-js formats an error (see shaped() in core/errors.ts).
        const extra = contextValue.partialErrors.map(({ error, path, node }) => {
          const out: { message: string; locations?: SourceLocation[]; path?: (string | number)[]; extensions?: Record<string, unknown> } = { message: error.message };
          if (node?.loc) out.locations = [getLocation(node.loc.source, node.loc.start)];
          out.path = [...path];
          out.extensions = error.pbx ? { code: error.code, pbx: error.pbx } : { code: error.code };
          return out;
        });
        response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
      },
    };
  },
};

/** With `server.debug`, each answer reports its vendor calls per source in `extensions.vendorCalls`. */
const vendorCallsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        // Object.assign, not a spread with a field after it (see shaped() in core/errors.ts).
        response.body.singleResult.extensions = Object.assign({}, response.body.singleResult.extensions, {
          vendorCalls: Object.fromEntries(contextValue.scope.vendorCalls),
        });
      },
    };
  },
};

/** Hands the context Apollo's response object, so releaseContext can let go of the answer tree. */
const releasePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue, response }) {
    contextValue.meta.response = response;
  },
};

/** Records the operation name for the request log line. */
const operationNamePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, contextValue }) {
        contextValue.meta.operationName = operation?.name?.value ?? request.operationName ?? null;
      },
    };
  },
};

/**
 * The request body as text, or null past `limit` bytes (the rest is read and dropped, so the 413
 * answer still goes out on a usable connection). Plain stream events: an async iterator costs a
 * promise per chunk, on every request's path to the vendors.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      done();
      req.resume();
      resolve(null);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const refuse = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);

/** Starts Apollo Server as a Federation 2 subgraph on plain node:http, with /health. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const metrics = createMetrics();
  // Stores the caller hands in are the caller's to close; the in-memory default is ours.
  const stores = deps.stores ?? createMemoryStores();
  // Circuit changes also feed pbxHealthChanged (src/live/), once the live side exists.
  let live: Live | undefined;
  const observer = liveObserver(deps.observer ?? metrics, () => live);
  const sources = createAdapters(config.sources, { ...deps, observer });
  const keys = new ApiKeys(config.apiKeys);
  const limiter = new RateLimiter(config.rateLimit.capacity, config.rateLimit.refillPerSecond);
  const limits = operationLimits(config.limits, config.server.production);
  const ids = new GlobalIds();
  const pageHints = new PageHints();
  const httpServer = http.createServer();
  const jit = config.server.executor === 'jit' ? jitExecutor(buildSchema()) : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    ...(jit ? { gateway: jit.gateway } : { schema: buildSchema() }),
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT (it also stops the demo simulators); two handlers would race.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    introspection: config.server.introspection,
    formatError,
    // Apollo pretty-prints answers by default; compact JSON is smaller and cheaper to write.
    stringifyResult: jit ? jit.stringifyResult : (value) => JSON.stringify(value),
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Both hook every field resolver (Apollo then wraps the whole schema): ~20 % of a dashboard
      // query's CPU. No type uses @cacheControl; federated traces (ftv1) are opt-in by config.
      ApolloServerPluginCacheControlDisabled(),
      ...(config.server.federatedTracing ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      config.server.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }) : ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      scopePlugin,
      subscriptionsOverHttpPlugin,
      operationNamePlugin,
      partialErrorsPlugin,
      releasePlugin,
      ...(config.server.debug ? [vendorCallsPlugin] : []),
    ],
  });
  await apollo.start();
  live = attachLive({ httpServer, schema: buildSchema(), sources, keys, validationRules: limits.validationRules, ids, pageHints, stores, config, logger });
  const dashboard = new DashboardAssets();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<{ caller?: string | undefined; log?: { operationName: string | null; vendorCalls: Record<string, number> } | undefined }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return {};
    }
    if (url.pathname === '/metrics') {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
      return {};
    }
    if (req.method === 'GET' && url.pathname.startsWith('/dashboard') && (await dashboard.serve(url.pathname, res))) return {};
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendJson(res, 404, { error: 'not found' });
      return {};
    }
    // A browser opening the page needs no key: the landing page holds no data (and is off in production).
    const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query');
    const caller = wantsPage ? null : keys.authenticate(req.headers);
    if (!wantsPage && !caller) {
      refuse(res, 401, 'UNAUTHENTICATED', 'a valid API key is required (Authorization: Bearer <key> or x-api-key)', { 'www-authenticate': 'Bearer' });
      return {};
    }
    if (caller) {
      const wait = limiter.take(keys.enabled ? `key:${caller.name}` : `ip:${req.socket.remoteAddress ?? ''}`);
      if (wait > 0) {
        refuse(res, 429, 'RATE_LIMITED', 'too many requests for this API key', { 'retry-after': String(wait) });
        return { caller: caller.name };
      }
    }
    const raw = await readBody(req, config.server.bodyLimitBytes);
    if (raw === null) {
      refuse(res, 413, 'BAD_REQUEST', 'request body too large');
      return { caller: caller?.name };
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    let body: unknown = raw;
    if ((headers.get('content-type') ?? '').includes('application/json') && raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        refuse(res, 400, 'BAD_REQUEST', 'malformed JSON body');
        return { caller: caller?.name };
      }
    }
    const scope = newRequestScope();
    let ctx: GatewayContext | undefined;
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: async () => {
        ctx = createContext(sources, caller ?? { name: 'anonymous', scopes: new Set(), sources: new Set() }, scope, requestId, ids, pageHints);
        return ctx;
      },
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
    const log = ctx ? { operationName: ctx.meta.operationName, vendorCalls: Object.fromEntries(ctx.scope.vendorCalls) } : undefined;
    if (ctx) releaseContext(ctx);
    return { caller: caller?.name, log };
  }

  httpServer.on('request', (req, res) => {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    handle(req, res, requestId)
      .then(({ caller, log }) => {
        if (req.url === '/health' || req.url === '/metrics') return;
        // Logged once the answer has left (or the client went away): a large answer reaches the
        // kernel over several turns of the event loop, and a log line written in between delays
        // its last bytes. The duration is then the whole answer's.
        finished(res, () =>
          logger.info(
            {
              requestId,
              key: caller ?? null,
              operation: log?.operationName ?? null,
              status: res.statusCode,
              vendorCalls: log?.vendorCalls ?? {},
              durationMs: Math.round((performance.now() - started) * 10) / 10,
            },
            'request',
          ),
        );
      })
      .catch((err: unknown) => {
        logger.error({ requestId, err: err instanceof Error ? err.name : 'error' }, 'request failed');
        if (!res.headersSent) refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        else res.end();
      });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.server.port, config.server.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    sources,
    async stop() {
      // Upgraded sockets are not the HTTP server's to drain: they close first.
      await live?.close();
      await apollo.stop();
      await Promise.all(sources.map((s) => s.close()));
      if (!deps.stores) await stores.close();
    },
  };
}
