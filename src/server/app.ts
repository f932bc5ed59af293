import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { SourceAdapter } from '../core/adapter.ts';
import type { AppConfig } from '../core/config.ts';
import { formatError } from '../core/errors.ts';
import { createSourceHttp, type CallObserver } from '../core/http.ts';
import type { Logger } from '../core/logger.ts';
import { newRequestScope, runInScope } from '../core/request-scope.ts';
import type { BaseSourceConfig, VendorModule } from '../core/vendor-module.ts';
import { createContext, type GatewayContext } from './context.ts';
import { buildSchema } from './schema.ts';

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

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 1_000_000;

/** Builds one adapter per configured source through its vendor's factory. */
export function createAdapters(sources: readonly BaseSourceConfig[], deps: Pick<GatewayDeps, 'vendors' | 'logger' | 'observer'>): SourceAdapter[] {
  return sources.map((cfg) => {
    const mod = deps.vendors.get(cfg.vendor);
    if (!mod) throw new Error(`no vendor module for ${cfg.vendor}`);
    const logger = deps.logger.child({ source: cfg.id, vendor: cfg.vendor });
    return mod.createAdapter(cfg, {
      logger,
      createHttp: (opts) => createSourceHttp({ ...opts, logger, ...(deps.observer ? { observer: deps.observer } : {}) }),
    });
  });
}

/** Adds the errors of sources that failed inside a list (which kept its other data) to the answer. */
const partialErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || contextValue.partialErrors.length === 0) return;
        const extra = contextValue.partialErrors.map(({ error, path }) => ({
          message: error.message,
          path: [...path],
          extensions: { code: error.code, ...(error.pbx ? { pbx: error.pbx } : {}) },
        }));
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
        response.body.singleResult.extensions = {
          ...(response.body.singleResult.extensions ?? {}),
          vendorCalls: Object.fromEntries(contextValue.scope.vendorCalls),
        };
      },
    };
  },
};

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts Apollo Server as a Federation 2 subgraph on plain node:http, with /health. */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const sources = createAdapters(config.sources, deps);
  const httpServer = http.createServer();
  const production = process.env['NODE_ENV'] === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    schema: buildSchema(),
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT (it also stops the demo simulators); two handlers would race.
    stopOnTerminationSignals: false,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
      partialErrorsPlugin,
      ...(config.server.debug ? [vendorCallsPlugin] : []),
    ],
  });
  await apollo.start();

  httpServer.on('request', (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') {
        sendJson(res, 200, { status: 'ok', sources: sources.map((s) => s.id) });
        return;
      }
      if (url.pathname !== '/graphql' && url.pathname !== '/') {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      const raw = await readBody(req);
      if (raw === null) {
        sendJson(res, 413, { errors: [{ message: 'request body too large', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let body: unknown = raw;
      if ((headers.get('content-type') ?? '').includes('application/json') && raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          sendJson(res, 400, { errors: [{ message: 'malformed JSON body', extensions: { code: 'BAD_REQUEST' } }] });
          return;
        }
      }
      const scope = newRequestScope();
      const result = await runInScope(scope, () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
          context: async () => createContext(sources, scope),
        }),
      );
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    })().catch((err: unknown) => {
      logger.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
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
      await Promise.all(sources.map((s) => s.close()));
    },
  };
}
