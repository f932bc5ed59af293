import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../src/core/ids.ts';
import { startStack, vendorCalls, type TestStack } from './helpers.ts';

/*
 * A question costs the fewest vendor rounds its vendor allows: the loads a record leads to leave
 * together, whether a row resolves them ahead (call statistics) or a resolver below the row does
 * (voicemail messages). Over real HTTP against the VitalPBX simulator, which answers after 40 ms so
 * that calls in flight together overlap there.
 */
describe('vendor rounds of one extension with every field', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 5, latencyMs: 40 });
  });
  after(async () => stack.close());

  test('after the record, call statistics and voicemail messages leave together: two rounds, not three', async () => {
    const id = encodeId('Extension', 'vital-hq', '2');
    const query = `query($id: ID!) { extension(id: $id) { number callStatistics { local incoming } voicemail { enabled messages { id folder } } } }`;
    stack.reset();
    const r = await stack.gql(query, { id });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.ok(Array.isArray(r.data.extension.voicemail.messages));
    assert.deepEqual(vendorCalls(r), { 'vital-hq': 3 });
    const sim = stack.sims.get('vitalpbx')!;
    assert.deepEqual([...sim.requests.keys()].sort(), ['GET /extensions/2', 'GET /extensions/2/cdr_summary', 'GET /extensions/2/voicemail_records']);
    assert.equal(sim.maxInFlight(), 2, 'call statistics and voicemail messages were in flight together');
  });
});
