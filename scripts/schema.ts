import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute, parse } from 'graphql';
import { buildSchema } from '../src/server/schema.ts';

/** Where the published schema lives: the repo root, next to package.json. */
export const PUBLISHED_SCHEMA = new URL('../schema.graphql', import.meta.url);

const HEADER = '# The pbx-graph subgraph schema as `{ _service { sdl } }` serves it. Generated: run `npm run schema`.\n';

/**
 * The published schema text: the header line plus the SDL the running subgraph serves, asked of the
 * same executable schema, so the file cannot say anything the server does not.
 */
export async function publishedSchema(): Promise<string> {
  const result = await execute({ schema: buildSchema(), document: parse('{ _service { sdl } }') });
  const sdl = (result.data as { _service?: { sdl?: string } } | null | undefined)?._service?.sdl;
  if (result.errors?.length || typeof sdl !== 'string') throw new Error(`cannot read the subgraph SDL: ${result.errors?.[0]?.message ?? 'no sdl'}`);
  return `${HEADER}${sdl.trimEnd()}\n`;
}

// `npm run schema` (node --import tsx scripts/schema.ts) writes the file; importing it writes nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PUBLISHED_SCHEMA, await publishedSchema());
  process.stdout.write(`wrote ${fileURLToPath(PUBLISHED_SCHEMA)}\n`);
}
