import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
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
  return buildSubgraphSchema({ typeDefs: readTypeDefs(), resolvers: resolvers as never });
}
