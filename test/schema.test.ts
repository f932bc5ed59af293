import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generate } from '@graphql-codegen/cli';
import { getNamedType, isObjectType, isInterfaceType, isScalarType, type GraphQLField } from 'graphql';
import YAML from 'yaml';
import { buildSchema } from '../src/server/schema.ts';

const SECRETISH = /secret|password|passwd|pin$|pin[A-Z_]|^pin|token|authkey|appkey|apikey/i;

test('no output field returns a secret: only booleans such as hasVoicemailPin may be named like one', () => {
  const schema = buildSchema();
  const offenders: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (!SECRETISH.test(field.name)) continue;
      const named = getNamedType(field.type);
      if (isScalarType(named) && named.name === 'Boolean') continue;
      // The one secret the design hands out: a vendor-generated password, once, behind the `secrets`
      // scope (test/writes.test.ts proves it is null without the scope and in a replay).
      if (`${type.name}.${field.name}` === 'CreateExtensionPayload.generatedPassword' && /`secrets` scope/.test(field.description ?? '')) continue;
      offenders.push(`${type.name}.${field.name}: ${String(field.type)}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('every type and field has a description (Apollo Sandbox shows them)', () => {
  const schema = buildSchema();
  const own = readFileSync(new URL('../schema/', import.meta.url).pathname + 'extension.graphql', 'utf8');
  assert.ok(own.length > 0);
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('_') || ['String', 'Int', 'Float', 'Boolean', 'ID', 'FieldSet', 'link__Import', 'link__Purpose', 'federation__FieldSet', 'federation__Scope', 'federation__Policy', 'federation__ContextFieldValue'].includes(type.name)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const f of Object.values(type.getFields())) if (!f.name.startsWith('_') && !f.description) missing.push(`${type.name}.${f.name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the generated resolver types are up to date with schema/ (run `npm run codegen`)', async () => {
  const config = YAML.parse(readFileSync(new URL('../codegen.yml', import.meta.url), 'utf8'));
  const root = new URL('../', import.meta.url).pathname;
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  assert.ok(outputs.length > 0);
  for (const out of outputs) {
    const committed = readFileSync(new URL(`../${out.filename}`, import.meta.url), 'utf8');
    assert.ok(committed === out.content, `${out.filename} is stale: run npm run codegen`);
  }
});
