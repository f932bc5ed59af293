import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
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
    const items = (await resolve(source, args, context, info)) as unknown[];
    return Promise.all(items.map((item) => Promise.resolve(item).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
  };
}
