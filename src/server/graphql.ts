import type http from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { AppConfig } from '../core/config.ts';
import { formatError, internalErrorLogPlugin } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { newRequestScope } from '../core/request-scope.ts';
import { releaseContext, type GatewayContext } from './context.ts';
import { readBody } from './http/body.ts';
import { noteErrorCode, type RequestRecord } from './http/request.ts';
import { requestError, sendError } from './http/respond.ts';
import { jitExecutor } from './jit.ts';
import { gatewayPlugins } from './plugins/index.ts';
import { operationLimits, scopePlugin, type Caller } from './security.ts';
import type { RequestScope } from '../core/request-scope.ts';

/** Builds a request's context from what the HTTP layer knows of it (the one place request headers reach the context). */
export type ContextFactory = (req: http.IncomingMessage, caller: Caller, scope: RequestScope, requestId: string) => GatewayContext;

/** Apollo Server over the gateway's schema, with its limits and plugins (`features`' last), started. */
export async function createApollo(config: AppConfig, schema: GraphQLSchema, httpServer: http.Server, logger: Logger, features: ApolloServerPlugin<GatewayContext>[] = []): Promise<ApolloServer<GatewayContext>> {
  const limits = operationLimits(config.limits, config.server.production);
  const jit = config.server.executor === 'jit' ? jitExecutor(schema) : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    ...(jit ? { gateway: jit.gateway } : { schema }),
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
    parseOptions: limits.parseOptions,
    plugins: [
      // Half the shutdown deadline for in-flight requests; the rest is for closing sockets and flushing logs.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: Math.floor(config.server.shutdownTimeoutMs / 2) }),
      // Both hook every field resolver (Apollo then wraps the whole schema), which nothing here needs:
      // no type uses @cacheControl, and federated traces (ftv1) are opt-in by config.
      ApolloServerPluginCacheControlDisabled(),
      ...(config.server.federatedTracing ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      config.server.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }) : ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      scopePlugin,
      ...gatewayPlugins({ debug: config.server.debug }),
      // Every error a client sees as INTERNAL_SERVER_ERROR is logged with its cause.
      internalErrorLogPlugin(logger) as ApolloServerPlugin<GatewayContext>,
      ...features,
    ],
  });
  await apollo.start();
  return apollo;
}

/** Serves one request to /graphql through Apollo: body limit, JSON parsing, context, answer. */
export async function serveGraphQL(
  apollo: ApolloServer<GatewayContext>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: RequestRecord,
  caller: Caller,
  opts: { bodyLimitBytes: number; makeContext: ContextFactory },
): Promise<void> {
  const raw = await readBody(req, opts.bodyLimitBytes);
  if (raw === null) {
    noteErrorCode(record, sendError(res, 413, requestError('BAD_REQUEST', `request body too large (the limit is ${opts.bodyLimitBytes} bytes)`)));
    return;
  }
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  let body: unknown = raw;
  if ((headers.get('content-type') ?? '').includes('application/json') && raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      noteErrorCode(record, sendError(res, 400, requestError('BAD_REQUEST', 'malformed JSON body')));
      return;
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const scope = newRequestScope(record.requestId);
  let ctx: GatewayContext | undefined;
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
    context: async () => {
      ctx = opts.makeContext(req, caller, scope, record.requestId);
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
  // Answers Apollo refuses before any plugin runs (CSRF, a missing query) carry their codes only in the body.
  if (res.statusCode >= 400 && result.body.kind === 'complete' && !ctx?.meta.errorCodes?.length) {
    for (const code of errorCodesOf(result.body.string)) noteErrorCode(record, code);
  }
  if (ctx) {
    record.operation = ctx.meta.operationName;
    record.operationType = ctx.meta.operationType ?? null;
    record.vendorCalls = Object.fromEntries(ctx.scope.vendorCalls);
    for (const code of ctx.meta.errorCodes ?? []) noteErrorCode(record, code);
    releaseContext(ctx);
  }
}

/** The error codes of a small JSON error answer. */
function errorCodesOf(text: string): string[] {
  try {
    const errors = (JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? [];
    return errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
  } catch {
    return [];
  }
}
