import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isUnionType, parse, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput } from '../core/errors.ts';
import { liveResolvers } from '../live/resolvers.ts';
import { resolveRecordFields } from './record-fields.ts';
import { resolvers } from './resolvers.ts';

/** The folder of the SDL files (schema/ at the project root, from src/ or dist/ alike). */
export const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** The SDL files, concatenated in name order. */
export function readTypeDefs(): DocumentNode {
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.graphql')).sort();
  return parse(files.map((f) => readFileSync(new URL(f, SCHEMA_DIR), 'utf8')).join('\n'));
}

/** The executable Federation 2 subgraph schema. */
export function buildSchema(): GraphQLSchema {
  const schema = buildSubgraphSchema({ typeDefs: readTypeDefs(), resolvers: { ...resolvers, ...liveResolvers } as never });
  resolveRecordFields(schema);
  settleEntities(schema);
  return schema;
}

/**
 * `_entities` (from @apollo/subgraph) answers a list of promises, one per representation. graphql-jit
 * 0.8.9 files a rejected item at the end of the list built so far rather than at its own index, so
 * an item that fails before the ones ahead of it resolve shortens or reorders the list (the first
 * item that fails fastest is a malformed id: no vendor call). Settling the items first and handing
 * over values and Errors in order gives both executors one list of the right length; graphql-js and
 * graphql-jit alike turn an Error item into null plus an error at that item's path. It also notes each
 * representation's index in the request's context (`entityIndex`): an Extension resolves its asked
 * fields ahead (server/rows.ts), and their errors name the item's path.
 */
function settleEntities(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const resolve = field?.resolve as GraphQLFieldResolver<unknown, unknown> | undefined;
  if (!field || !resolve) return;
  const entityUnion = schema.getType('_Entity');
  const entityTypes = new Set(isUnionType(entityUnion) ? entityUnion.getTypes().map((t) => t.name) : []);
  const isEntityRef = (r: unknown) => r !== null && typeof r === 'object' && entityTypes.has(String((r as { __typename?: unknown }).__typename));
  const describeTypename = (r: unknown) => {
    const t = r !== null && typeof r === 'object' ? (r as { __typename?: unknown }).__typename : undefined;
    return typeof t === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(t) ? `"${t}"` : 'a representation without a valid __typename';
  };
  field.resolve = async (source, args, context, info) => {
    // Each representation's index, for the error paths of the rows its Extension resolves ahead.
    const representations = (args as { representations?: unknown }).representations;
    if (Array.isArray(representations) && context && typeof context === 'object') {
      // Added to, not replaced: two `_entities` fields of one operation run side by side.
      const index = ((context as { entityIndex?: WeakMap<object, number> }).entityIndex ??= new WeakMap());
      representations.forEach((r: unknown, i) => {
        if (r && typeof r === 'object') index.set(r, i);
      });
    }
    // A representation of a type that is no entity (`Pbx`, an unknown name) is the client's mistake:
    // BAD_USER_INPUT at its index, and the others are still resolved.
    const all = Array.isArray(representations) ? representations : [];
    const refused = all.map((r) => (isEntityRef(r) ? undefined : badInput(`_entities: ${describeTypename(r)} is not an entity type of this subgraph (entities: ${[...entityTypes].join(', ')})`)));
    const wanted = all.filter((_r, i) => refused[i] === undefined);
    const items = wanted.length === 0 ? [] : ((await resolve(source, wanted.length === all.length ? args : { ...args, representations: wanted }, context, info)) as unknown[]);
    let next = 0;
    return Promise.all(
      all.map((_r, i) => refused[i] ?? Promise.resolve(items[next++]).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))),
    );
  };
}
