import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import YAML from 'yaml';
import { PUBLISHED_SCHEMA, publishedSchema } from '../scripts/schema.ts';
import { startStack } from './helpers.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

test('schema.graphql is the SDL the subgraph serves (stale: run `npm run schema`)', async () => {
  const committed = readFileSync(PUBLISHED_SCHEMA, 'utf8');
  assert.ok(committed === (await publishedSchema()), 'schema.graphql is stale: run `npm run schema` and commit schema.graphql and examples/client/src/generated.ts');
});

test('a running gateway serves exactly the published schema as _service { sdl }', async () => {
  const stack = await startStack({ vendors: ['vitalpbx'], size: 1 });
  try {
    const res = await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const committed = readFileSync(PUBLISHED_SCHEMA, 'utf8');
    assert.equal(committed.slice(committed.indexOf('\n') + 1), `${res.data!._service.sdl.trimEnd()}\n`);
  } finally {
    await stack.close();
  }
});

test('the example client generated from schema.graphql is current and compiles (tsc)', async () => {
  const config = YAML.parse(readFileSync(new URL('../examples/client/codegen.yml', import.meta.url), 'utf8'));
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  assert.ok(outputs.length > 0);
  for (const out of outputs) {
    const committed = readFileSync(new URL(`../${out.filename}`, import.meta.url), 'utf8');
    assert.ok(committed === out.content, `${out.filename} is stale: run \`npm run schema\` (it regenerates the client too)`);
  }
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  await promisify(execFile)(process.execPath, [tsc, '-p', 'examples/client/tsconfig.json'], { cwd: root }).catch((err: { stdout?: string; message: string }) => {
    assert.fail(`examples/client does not compile:\n${err.stdout ?? err.message}`);
  });
});
