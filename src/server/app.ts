import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SourceAdapter } from '../core/adapter.ts';
import type { AppConfig } from '../core/config.ts';
import { PbxError } from '../core/errors.ts';
import { GlobalIds } from '../core/ids.ts';
import type { CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import { createMemoryStores, type Stores } from '../core/stores.ts';
import type { VendorModule } from '../core/vendor-module.ts';
import { createAdapters } from './adapters.ts';
import { Gatekeeper } from './auth.ts';
import { createContext } from './context.ts';
import { createApollo, serveGraphQL, type ContextFactory } from './graphql.ts';
import { newRequestRecord, noteErrorCode, type RequestRecord } from './http/request.ts';
import { requestError, sendError, sendJson } from './http/respond.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import { PageHints } from './page-hints.ts';
import { logRequest } from './request-log.ts';
import { buildSchema } from './schema.ts';
import { mutationPlugin } from './mutation-plugin.ts';
import { DASHBOARD_PATHS, DashboardAssets } from '../live/dashboard.ts';
import { attachLive, liveObserver, subscriptionsOverHttpPlugin, type Live } from '../live/socket.ts';

export { createAdapters } from './adapters.ts';

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
  /** The port /metrics is served on when `server.metricsPort` moves it off the API's port. */
  metricsPort?: number | undefined;
  /** The source adapters, in configuration order. */
  sources: readonly SourceAdapter[];
  /** Stops accepting requests, drains the in-flight ones, closes vendor sockets. */
  stop(): Promise<void>;
}

/**
 * Where a browser opening `/` is sent: the live dashboard page, which the gateway serves itself and
 * which works offline (Sandbox, on /graphql, loads from Apollo's CDN).
 */
export const BROWSER_HOME = '/dashboard';

/** Operator endpoints: neither logged nor counted in the request metrics. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

/** Answers one request to a path; it notes the caller and error codes on `record` for the log. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord) => Promise<void> | void;

/** Starts Apollo Server as a Federation 2 subgraph on plain node:http, with /health and /metrics. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const metrics = createMetrics();
  // Stores the caller hands in are the caller's to close; the in-memory default is ours.
  const stores = deps.stores ?? createMemoryStores();
  stores.observe?.(metrics);
  // Circuit changes also feed pbxHealthChanged (src/live/), once the live side exists.
  let live: Live | undefined;
  const observer = liveObserver(deps.observer ?? metrics, () => live);
  const sources = createAdapters(config.sources, { ...deps, observer, stores });
  const gatekeeper = new Gatekeeper(config.apiKeys, config.rateLimit);
  const ids = new GlobalIds();
  const pageHints = new PageHints();
  const schema = buildSchema();
  const httpServer = http.createServer();
  // Last: it stores the answer as the other plugins leave it (idempotency) and writes the audit lines.
  const apollo = await createApollo(config, schema, httpServer, logger, [mutationPlugin({ kv: stores.kv, logger }), subscriptionsOverHttpPlugin]);
  /** Cleanups run by stop() after Apollo has drained, in order (features attached below add theirs). */
  const onStop: (() => Promise<void>)[] = [];

  // The one place request headers reach the context (features that read one, e.g. Idempotency-Key, add it here).
  const makeContext: ContextFactory = (_req, caller, scope, requestId) => createContext(sources, caller, scope, requestId, ids, pageHints);

  const graphqlRoute: RouteHandler = async (req, res, record) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const plainGet = req.method === 'GET' && !url.searchParams.has('query');
    // A browser opening the page needs no key: the landing page holds no data (and is off in production).
    if (plainGet && (req.headers.accept ?? '').includes('text/html')) {
      // `/` sends a browser to the page; `/graphql` itself is Sandbox's page.
      if (url.pathname === '/') {
        res.writeHead(302, { location: BROWSER_HOME });
        res.end();
        return;
      }
      if (config.server.landingPage) {
        await serveGraphQL(apollo, req, res, record, { name: 'anonymous', scopes: new Set(), sources: new Set() }, { bodyLimitBytes: config.server.bodyLimitBytes, makeContext });
        return;
      }
    }
    if (plainGet) {
      noteErrorCode(record, sendError(res, 400, requestError('BAD_REQUEST', 'this is the pbx-graph GraphQL endpoint: POST /graphql with a JSON body {"query": "{ pbxes { id name } }"}')));
      return;
    }
    const caller = gatekeeper.admit(req, res, record);
    if (!caller) return;
    await serveGraphQL(apollo, req, res, record, caller, { bodyLimitBytes: config.server.bodyLimitBytes, makeContext });
  };

  const metricsRoute = metricsEndpoint(metrics, {
    token: config.server.metricsToken,
    // On the API's own port, /metrics is as private as the API: a key, or the metrics token.
    gatekeeper: config.server.metricsPort === undefined && gatekeeper.keysEnabled ? gatekeeper : undefined,
  });

  /** Paths served, by exact path. */
  const routes = new Map<string, RouteHandler>([
    ['/health', (_req, res) => sendJson(res, 200, { status: 'ok' })],
    ['/graphql', graphqlRoute],
    ['/', graphqlRoute],
  ]);
  // With its own port, /metrics is not served on the API's at all.
  if (config.server.metricsPort === undefined) routes.set('/metrics', metricsRoute);

  // Features that share this HTTP server attach here: routes.set(path, handler) for a page
  // (e.g. /dashboard), httpServer.on('upgrade', ...) for WebSockets on /graphql (with schema and
  // makeContext), and onStop.push(...) for what they must close.
  const dashboard = new DashboardAssets();
  for (const path of DASHBOARD_PATHS) routes.set(path, (req, res, record) => dashboard.route(path, req, res, record));
  live = attachLive({ httpServer, schema, sources, makeContext, stores, config, logger });

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const record = newRequestRecord(req);
    res.setHeader('x-request-id', record.requestId);
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const route = routes.get(path);
    record.quiet = QUIET_PATHS.has(path);
    if (!record.quiet) metrics.onRequestStart();
    logRequest(logger, res, record, (durationMs) =>
      metrics.onRequestEnd({ operation: record.operation, status: res.statusCode, errorCodes: record.errorCodes, durationMs }),
    );
    Promise.resolve()
      .then(() => (route ? route(req, res, record) : noteErrorCode(record, sendError(res, 404, new PbxError('NOT_FOUND', `no such path: try POST /graphql`)))))
      .catch((err: unknown) => {
        logger.error({ requestId: record.requestId, err: err instanceof Error ? err.name : 'error' }, 'request failed');
        if (!res.headersSent) noteErrorCode(record, sendError(res, 500, err));
        else res.end();
      });
  });

  const port = await listen(httpServer, config.server.port, config.server.host);
  let metricsServer: http.Server | undefined;
  let metricsPort: number | undefined;
  if (config.server.metricsPort !== undefined) {
    metricsServer = http.createServer((req, res) => {
      const record = newRequestRecord(req);
      if ((req.url ?? '/').split('?', 1)[0] !== '/metrics') {
        sendError(res, 404, new PbxError('NOT_FOUND', 'this port serves /metrics only'));
        return;
      }
      Promise.resolve(metricsRoute(req, res, record)).catch(() => {
        if (!res.headersSent) sendError(res, 500, new Error('metrics failed'));
      });
    });
    metricsPort = await listen(metricsServer, config.server.metricsPort, config.server.host);
  }
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    metricsPort,
    sources,
    async stop() {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      // Upgraded sockets are not the HTTP server's to drain: they close first.
      await live?.close();
      await apollo.stop();
      for (const fn of onStop) await fn();
      await Promise.all(sources.map((s) => s.close()));
      if (!deps.stores) await stores.close();
    },
  };
}

/** Listens on `port` (0 picks one) and answers the port bound. */
function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * /metrics: open when nothing protects it; with a token, `Authorization: Bearer <token>`; with the
 * gatekeeper (API keys configured, no separate port), any valid API key or the token.
 */
function metricsEndpoint(metrics: GatewayMetrics, opts: { token: string | undefined; gatekeeper: Gatekeeper | undefined }): RouteHandler {
  const tokenDigest = opts.token === undefined ? undefined : createHash('sha256').update(opts.token).digest();
  const tokenMatches = (req: http.IncomingMessage): boolean => {
    if (!tokenDigest) return false;
    const auth = req.headers['authorization'];
    const presented = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : '';
    return timingSafeEqual(createHash('sha256').update(presented).digest(), tokenDigest);
  };
  return async (req, res, record) => {
    if (tokenDigest || opts.gatekeeper) {
      const allowed = tokenMatches(req) || (opts.gatekeeper?.authenticates(req) ?? false);
      if (!allowed) {
        sendError(res, 401, requestError('UNAUTHENTICATED', '/metrics needs the metrics token or an API key (Authorization: Bearer <token>)'), { 'www-authenticate': 'Bearer' });
        return;
      }
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
  };
}
