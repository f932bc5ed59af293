import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** One employee of the directory and the extension they sit at. */
export interface EmployeeRecord {
  /** Employee id (the directory's own). */
  id: string;
  /** Display name. */
  name: string;
  /** pbx-graph's global id of the employee's extension, or null when they have none. */
  extensionId: string | null;
}

/** The employees subgraph's SDL: `Extension` is pbx-graph's entity, extended here by its key. */
export const EMPLOYEES_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"""A query over the employee directory."""
type Query {
  """Every employee of the directory."""
  employees: [Employee!]!
}

"""A person in the directory."""
type Employee @key(fields: "id") {
  """Directory id."""
  id: ID!
  """Display name."""
  name: String!
  """The employee's PBX extension (resolved by pbx-graph), null when they have none."""
  extension: Extension
}

"""pbx-graph's extension entity, given its employee by this subgraph."""
type Extension @key(fields: "id") {
  """pbx-graph's global id."""
  id: ID!
  """The employee sitting at this extension, if the directory knows one."""
  employee: Employee
}
`;

/** A running employees subgraph. */
export interface EmployeesSubgraph {
  /** Its GraphQL endpoint. */
  url: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/**
 * Starts the employees subgraph over a fixed directory: it knows people and the extension ids they
 * use, nothing about PBXes; the gateway asks pbx-graph for everything else through `_entities`.
 */
export async function startEmployeesSubgraph(directory: readonly EmployeeRecord[], port = 0): Promise<EmployeesSubgraph> {
  const byId = new Map(directory.map((e) => [e.id, e]));
  const byExtension = new Map(directory.flatMap((e) => (e.extensionId ? [[e.extensionId, e] as const] : [])));
  const asEmployee = (e: EmployeeRecord) => ({ id: e.id, name: e.name, extension: e.extensionId ? { __typename: 'Extension', id: e.extensionId } : null });
  const schema = buildSubgraphSchema({
    typeDefs: parse(EMPLOYEES_SDL),
    resolvers: {
      Query: { employees: () => directory.map(asEmployee) },
      Employee: {
        __resolveReference: (ref: { id: string }) => {
          const e = byId.get(ref.id);
          return e ? asEmployee(e) : null;
        },
      },
      Extension: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        employee: (ext: { id: string }) => {
          const e = byExtension.get(ext.id);
          return e ? asEmployee(e) : null;
        },
      },
    } as never,
  });
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Ken Thompson', 'Radia Perlman', 'Leslie Lamport'];

/**
 * A demo directory: `perSource` employees at the first extensions of each of pbx-graph's sources,
 * read from pbx-graph itself (its ids are opaque, so the directory learns them as a real HR system
 * would: by looking the extensions up once).
 */
export async function demoDirectory(pbxGraphUrl: string, perSource = 2, headers: Record<string, string> = {}): Promise<EmployeeRecord[]> {
  const ask = async <D>(query: string, variables: Record<string, unknown> = {}): Promise<D> => {
    const res = await fetch(pbxGraphUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: D; errors?: { message: string }[] };
    if (!body.data) throw new Error(`pbx-graph answered no data: ${body.errors?.[0]?.message ?? res.status}`);
    return body.data;
  };
  const { pbxes } = await ask<{ pbxes: { extensions: { edges: { node: { id: string } }[] } | null }[] }>(
    'query($first: Int) { pbxes { extensions(first: $first) { edges { node { id } } } } }',
    { first: perSource },
  );
  const out: EmployeeRecord[] = [];
  for (const pbx of pbxes) {
    for (const edge of pbx.extensions?.edges ?? []) {
      const n = out.length;
      out.push({ id: `emp-${n + 1}`, name: `${NAMES[n % NAMES.length]}${n >= NAMES.length ? ` ${Math.floor(n / NAMES.length) + 1}` : ''}`, extensionId: edge.node.id });
    }
  }
  // Someone without a phone: the gateway must not ask pbx-graph for a null extension.
  out.push({ id: `emp-${out.length + 1}`, name: 'Visiting Researcher', extensionId: null });
  return out;
}
