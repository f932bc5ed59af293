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
import { sendError, sendJson } from './http/respond.ts';
import { createMetrics } from './metrics.ts';
import { PageHints } from './page-hints.ts';
import { logRequest } from './request-log.ts';
import { buildSchema } from './schema.ts';

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
  /** The source adapters, in configuration order. */
  sources: readonly SourceAdapter[];
  /** Stops accepting requests, drains the in-flight ones, closes vendor sockets. */
  stop(): Promise<void>;
}

/** Answers one request to a path; it notes the caller and error codes on `record` for the log. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord) => Promise<void> | void;

/** Starts Apollo Server as a Federation 2 subgraph on plain node:http, with /health and /metrics. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const metrics = createMetrics();
  // Stores the caller hands in are the caller's to close; the in-memory default is ours.
  const stores = deps.stores ?? createMemoryStores();
  const observer = deps.observer ?? metrics;
  const sources = createAdapters(config.sources, { ...deps, observer });
  const gatekeeper = new Gatekeeper(config.apiKeys, config.rateLimit);
  const ids = new GlobalIds();
  const pageHints = new PageHints();
  const schema = buildSchema();
  const httpServer = http.createServer();
  const apollo = await createApollo(config, schema, httpServer);
  /** Cleanups run by stop() after Apollo has drained, in order (features attached below add theirs). */
  const onStop: (() => Promise<void>)[] = [];

  // The one place request headers reach the context (features that read one, e.g. Idempotency-Key, add it here).
  const makeContext: ContextFactory = (_req, caller, scope, requestId) => createContext(sources, caller, scope, requestId, ids, pageHints);

  const graphqlRoute: RouteHandler = async (req, res, record) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A browser opening the page needs no key: the landing page holds no data (and is off in production).
    const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query');
    const caller = wantsPage ? { name: 'anonymous', scopes: new Set<'read' | 'write'>(), sources: new Set<string>() } : gatekeeper.admit(req, res, record);
    if (!caller) return;
    await serveGraphQL(apollo, req, res, record, caller, { bodyLimitBytes: config.server.bodyLimitBytes, makeContext });
  };

  /** Paths served, by exact path. */
  const routes = new Map<string, RouteHandler>([
    ['/health', (_req, res, record) => {
      record.quiet = true;
      sendJson(res, 200, { status: 'ok' });
    }],
    ['/metrics', async (_req, res, record) => {
      record.quiet = true;
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
    }],
    ['/graphql', graphqlRoute],
    ['/', graphqlRoute],
  ]);

  // Features that share this HTTP server attach here: routes.set(path, handler) for a page
  // (e.g. /dashboard), httpServer.on('upgrade', ...) for WebSockets on /graphql (with schema and
  // makeContext), and onStop.push(...) for what they must close.

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const record = newRequestRecord(req);
    res.setHeader('x-request-id', record.requestId);
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const route = routes.get(path);
    logRequest(logger, res, record);
    Promise.resolve()
      .then(() => (route ? route(req, res, record) : noteErrorCode(record, sendError(res, 404, new PbxError('NOT_FOUND', `no such path: try POST /graphql`)))))
      .catch((err: unknown) => {
        logger.error({ requestId: record.requestId, err: err instanceof Error ? err.name : 'error' }, 'request failed');
        if (!res.headersSent) noteErrorCode(record, sendError(res, 500, err));
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
      await apollo.stop();
      for (const fn of onStop) await fn();
      await Promise.all(sources.map((s) => s.close()));
      if (!deps.stores) await stores.close();
    },
  };
}
