import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import type { SourceAdapter } from '../src/core/adapter.ts';
import { PbxError } from '../src/core/errors.ts';
import { RequestErrors } from '../src/server/request-errors.ts';

/*
 * The one way a request files an error beside its data (ctx.errors): de-duplicated per source and
 * field for missing capabilities, masked when it is not ours, shaped by formatError like every other.
 */
const source = (id: string) => ({ id, vendor: 'portsip' }) as SourceAdapter;
const STATUS = { name: 'Extension.status', what: 'status' };

test('UNSUPPORTED_BY_VENDOR: once per source and field, however many rows ask', () => {
  const errors = new RequestErrors();
  assert.equal(errors.unsupported(STATUS, source('a'), ['x', 0, 'status']), true);
  assert.equal(errors.unsupported(STATUS, source('a'), ['x', 1, 'status']), false);
  assert.equal(errors.unsupported(STATUS, source('b'), ['x', 2, 'status']), true);
  assert.equal(errors.unsupported({ name: 'Extension.statusDetail', what: 'status' }, source('a'), ['x', 0, 'statusDetail']), true);
  assert.deepEqual(
    errors.formatted().map((e) => [e.message, e.path, e.extensions]),
    [
      ['status is not supported by the portsip API', ['x', 0, 'status'], { code: 'UNSUPPORTED_BY_VENDOR', pbx: 'a' }],
      ['status is not supported by the portsip API', ['x', 2, 'status'], { code: 'UNSUPPORTED_BY_VENDOR', pbx: 'b' }],
      ['status is not supported by the portsip API', ['x', 0, 'statusDetail'], { code: 'UNSUPPORTED_BY_VENDOR', pbx: 'a' }],
    ],
  );
});

test('an error that is not ours is masked; ours keep code, message and source; the location is the field\'s', () => {
  const errors = new RequestErrors();
  const doc = parse('{\n  x { status }\n}');
  const x = (doc.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
  const status = x.selectionSet!.selections[0] as FieldNode;
  errors.report(new Error('GET https://vendor/api?token=secret answered 500'), ['x', 'status'], status, 'a');
  errors.report(new PbxError('VENDOR_TIMEOUT', 'a: the vendor API did not answer in time', 'a'), ['x']);
  const [masked, ours] = errors.formatted();
  assert.deepEqual(masked, { message: 'Internal server error', locations: [{ line: 2, column: 7 }], path: ['x', 'status'], extensions: { code: 'INTERNAL_SERVER_ERROR', pbx: 'a' } });
  assert.deepEqual(ours, { message: 'a: the vendor API did not answer in time', path: ['x'], extensions: { code: 'VENDOR_TIMEOUT', pbx: 'a' } });
  errors.clear();
  assert.equal(errors.size, 0);
  assert.equal(errors.unsupported(STATUS, source('a'), ['y']), true, 'a cleared request reports afresh');
});
