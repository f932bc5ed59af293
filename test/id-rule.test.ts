import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codes, startStack, type TestStack } from './helpers.ts';

describe('one id rule, nullable root lists', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'portsip'], size: 5 });
  });
  after(() => stack.close());

  test('pbx(id:) takes the Pbx global id (and, for compatibility, the source id)', async () => {
    const list = await stack.gql('{ pbxes { id sourceId } }');
    for (const p of list.data.pbxes) {
      const byGlobal = await stack.gql('query($id: ID!) { pbx(id: $id) { id sourceId } }', { id: p.id });
      assert.equal(byGlobal.errors, undefined);
      assert.deepEqual(byGlobal.data.pbx, p);
      const bySource = await stack.gql('query($id: ID!) { pbx(id: $id) { id sourceId } }', { id: p.sourceId });
      assert.deepEqual(bySource.data.pbx, p);
      // And a `pbx` argument takes either as well.
      const ext = await stack.gql('query($pbx: ID!) { extensions(pbx: $pbx, first: 1) { edges { node { pbx { sourceId } } } } }', { pbx: p.id });
      assert.equal(ext.data.extensions.edges[0].node.pbx.sourceId, p.sourceId);
    }
  });

  test('an object named by an id that does not exist is null with NOT_FOUND; a malformed id is BAD_USER_INPUT', async () => {
    const missingPbx = await stack.gql('{ pbx(id: "nope") { id } }');
    assert.equal(missingPbx.data.pbx, null);
    assert.deepEqual(codes(missingPbx), ['NOT_FOUND']);
    const missingExt = await stack.gql('query($id: ID!) { extension(id: $id) { number } }', { id: Buffer.from('Extension:vital-hq:999').toString('base64url') });
    assert.equal(missingExt.data.extension, null);
    assert.deepEqual(codes(missingExt), ['NOT_FOUND']);
    const malformed = await stack.gql('{ extension(id: "not-an-id") { number } }');
    assert.equal(malformed.data.extension, null);
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    // A Pbx id where an Extension id is expected says which kind it got.
    const pbxId = (await stack.gql('{ pbxes { id } }')).data.pbxes[0].id;
    const wrongKind = await stack.gql('query($id: ID!) { extension(id: $id) { number } }', { id: pbxId });
    assert.deepEqual(codes(wrongKind), ['BAD_USER_INPUT']);
    assert.match(wrongKind.errors![0]!.message, /expected Extension id, got a Pbx id/);
  });

  test('a bad groups(pbx:) nulls only that field: its siblings keep their data', async () => {
    const r = await stack.gql('{ groups(pbx: "nope") { id } pbxes { sourceId } ok: groups(pbx: "portsip-demo") { name } }');
    assert.equal(r.data.groups, null);
    assert.deepEqual(codes(r), ['NOT_FOUND']);
    assert.deepEqual(r.errors![0]!.path, ['groups']);
    assert.equal(r.data.pbxes.length, 2);
    assert.ok(r.data.ok.length > 0);
  });

  test('Device and Queue are not Nodes, and say so: node() refuses their ids with a clear message', async () => {
    const r = await stack.gql('{ extensions(pbx: "vital-hq", first: 5) { edges { node { devices { id } } } } }');
    const device = r.data.extensions.edges.flatMap((e: any) => e.node.devices ?? [])[0];
    assert.ok(device, 'the demo has a device');
    const n = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id: device.id });
    assert.equal(n.data.node, null);
    assert.deepEqual(codes(n), ['BAD_USER_INPUT']);
    assert.match(n.errors![0]!.message, /Device id is not a global id/);
    const schema = await stack.gql('{ d: __type(name: "Device") { interfaces { name } fields { name description } } q: __type(name: "Query") { fields { name description type { kind } } } }');
    assert.deepEqual(schema.data.d.interfaces, []);
    assert.match(schema.data.d.fields.find((f: any) => f.name === 'id').description, /not a global id/);
    const query = Object.fromEntries(schema.data.q.fields.map((f: any) => [f.name, f]));
    assert.match(query.extension.description, /NOT_FOUND/);
    assert.doesNotMatch(query.extension.description, /null when it does not exist\./);
    // Root lists that can fail are nullable.
    assert.notEqual(query.groups.type.kind, 'NON_NULL');
    assert.notEqual(query.extensions.type.kind, 'NON_NULL');
  });
});
