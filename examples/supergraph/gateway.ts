import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';

/** One subgraph of the supergraph. */
export interface SubgraphDefinition {
  /** Subgraph name (as in a supergraph config). */
  name: string;
  /** Its GraphQL endpoint. */
  url: string;
  /** Its SDL (`_service { sdl }`, or a published schema file). */
  sdl: string;
  /** Headers the gateway sends it on every request (pbx-graph's API key, for example). */
  headers?: Record<string, string>;
}

/** Asks a running subgraph for its SDL, as `rover subgraph introspect` does. */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
  const body = (await res.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} did not answer _service { sdl } (HTTP ${res.status})`);
  return sdl;
}

/** Composes subgraphs into a supergraph SDL with Apollo's composition (what `rover supergraph compose` runs). */
export function composeSupergraph(subgraphs: readonly SubgraphDefinition[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/** A running supergraph gateway. */
export interface SupergraphGateway {
  /** Its GraphQL endpoint. */
  url: string;
  /** The composed supergraph SDL it serves. */
  supergraphSdl: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/**
 * Starts Apollo Gateway over a static supergraph (no polling, no Apollo account), served by Apollo
 * Server.
 */
export async function startSupergraphGateway(subgraphs: readonly SubgraphDefinition[], port = 4100): Promise<SupergraphGateway> {
  const supergraphSdl = composeSupergraph(subgraphs);
  const headersOf = new Map(subgraphs.map((s) => [s.url, s.headers ?? {}]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: quietLogger,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          for (const [k, v] of Object.entries(headersOf.get(url ?? '') ?? {})) request.http?.headers.set(k, v);
        },
      }),
  });
  // @apollo/gateway 2.x implements the gateway interface Apollo Server 5 calls (v1 and v2 differ only in types).
  const server = new ApolloServer({ gateway: gateway as never, csrfPrevention: true, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return { url, supergraphSdl, stop: () => server.stop() };
}

// The gateway logs its start-up at info; the example prints its own banner.
const quietLogger = { debug() {}, info() {}, warn: console.warn, error: console.error };
