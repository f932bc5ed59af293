import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startStack, type GqlResult, type TestStack } from './helpers.ts';

/*
 * An Extension's status, devices, queues and groups are resolved ahead by the field that produced it
 * (a connection, `extension`, `node`, `_entities`, `findExtension`, `Group.members`: server/rows.ts),
 * not by a resolver per row. What a client sees must be what per-field resolvers gave: a failed load
 * is null plus an error at that row's field (each alias), a missing capability is null plus one error
 * per source and field, and fragments on other types load nothing. Over real HTTP, against the
 * PortSIP simulator behind a proxy that can fail its status batch, and the eTelecom simulator (no
 * status, devices, queues or groups). graphql-js over the same schema must answer the same.
 */
const PORTSIP = 'portsip-demo';
const ETELECOM = 'etelecom-demo';

describe('Extension rows resolved ahead', () => {
  let stack: TestStack;
  let failStatus = false;
  let target = '';
  const proxy = http.createServer((req, res) => {
    if (failStatus && req.url?.startsWith('/api/extensions/status')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"down"}');
      return;
    }
    const out = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  let reference: string;
  before(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    stack = await startStack({ vendors: ['portsip', 'etelecom'], size: 6, sourceOverrides: { portsip: { baseUrl: `http://127.0.0.1:${port}/api`, breaker: false } } });
    target = new URL(stack.sims.get('portsip')!.url).origin;
    reference = (await stack.another({ executor: 'graphql-js' })).url;
  });
  after(async () => {
    failStatus = false;
    proxy.closeAllConnections();
    proxy.close();
    await stack.close();
  });

  /** The answer of graphql-js (the reference executor) over the same gateway code. */
  const byGraphqlJs = async (query: string, variables?: Record<string, unknown>): Promise<GqlResult> => {
    const res = await fetch(reference, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GqlResult;
  };
  const sorted = (r: GqlResult) => [...(r.errors ?? [])].sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
  const ids = async (source: string, n: number): Promise<string[]> => {
    const r = await stack.gql(`{ extensions(pbx: "${source}", first: ${n}) { edges { node { id } } } }`);
    return (r.data.extensions.edges as { node: { id: string } }[]).map((e) => e.node.id);
  };

  test('a failed load: null at each row, and its error at each row and alias, with its location', async () => {
    const query = `{\n  extensions(pbx: "${PORTSIP}", first: 3) { edges { node { number status again: status } } }\n}`;
    failStatus = true;
    try {
      const answer = await stack.gql(query);
      const rows = answer.data.extensions.edges as { node: { number: string; status: unknown; again: unknown } }[];
      assert.equal(rows.length, 3, 'the rows are there');
      for (const { node } of rows) assert.deepEqual([node.status, node.again], [null, null]);
      const errors = sorted(answer);
      assert.deepEqual(
        errors.map((e) => [e.extensions?.code, e.extensions?.pbx, e.path]),
        [0, 1, 2].flatMap((k) => [
          ['VENDOR_UNAVAILABLE', PORTSIP, ['extensions', 'edges', k, 'node', 'again']],
          ['VENDOR_UNAVAILABLE', PORTSIP, ['extensions', 'edges', k, 'node', 'status']],
        ]),
      );
      for (const e of errors) {
        const at = (e as { locations?: { line: number; column: number }[] }).locations;
        // Where the field starts in the document (an aliased field starts at its alias).
        const column = query.split('\n')[1]!.indexOf(e.path!.at(-1) === 'status' ? ' status ' : ' again:') + 2;
        assert.deepEqual(at, [{ line: 2, column }], `location of ${JSON.stringify(e.path)}`);
      }
      const js = await byGraphqlJs(query);
      assert.deepEqual(js.data, answer.data);
      assert.deepEqual(sorted(js), errors);
    } finally {
      failStatus = false;
    }
  });

  test('a missing capability: null at every row, ONE error per source and field at the first row that asked', async () => {
    const query = `{ extensions(pbx: "${ETELECOM}", first: 3) { edges { node { number status devices { id } queues { penalty } groups { id } } } } }`;
    const answer = await stack.gql(query);
    const rows = answer.data.extensions.edges as { node: Record<string, unknown> }[];
    assert.equal(rows.length, 3);
    for (const { node } of rows) assert.deepEqual([node['status'], node['devices'], node['queues'], node['groups']], [null, null, null, null]);
    assert.deepEqual(
      sorted(answer).map((e) => [e.extensions?.code, e.extensions?.pbx, e.path]),
      ['devices', 'groups', 'queues', 'status'].map((f) => ['UNSUPPORTED_BY_VENDOR', ETELECOM, ['extensions', 'edges', 0, 'node', f]]),
    );
    const js = await byGraphqlJs(query);
    assert.deepEqual(js.data, answer.data);
    assert.deepEqual(sorted(js), sorted(answer));
  });

  test('greetings and callStatistics take the same path: one batch per page, one error per source and field, as graphql-js', async () => {
    const query = `{ extensions(first: 500) { edges { node { pbx { sourceId } greetings { name isDefault } callStatistics { incoming } } } } }`;
    stack.reset();
    const answer = await stack.gql(query);
    const rows = answer.data.extensions.edges as { node: { pbx: { sourceId: string }; greetings: unknown[] | null; callStatistics: unknown } }[];
    const e = rows.findIndex((r) => r.node.pbx.sourceId === ETELECOM);
    assert.ok(e > 0 && e < rows.length, 'PortSIP rows, then eTelecom rows');
    for (const { node } of rows.slice(0, e)) assert.ok(Array.isArray(node.greetings), 'PortSIP has greetings');
    for (const { node } of rows) assert.equal(node.callStatistics, null, 'neither source has call statistics');
    // Every PortSIP row's greetings: one call per extension (PortSIP has no batch), none twice.
    assert.equal(stack.sims.get('portsip')!.requests.get('GET /extensions/greeting_file/list'), e);
    assert.deepEqual(
      sorted(answer).map((e) => [e.extensions?.code, e.extensions?.pbx, e.path]),
      [
        ['UNSUPPORTED_BY_VENDOR', PORTSIP, ['extensions', 'edges', 0, 'node', 'callStatistics']],
        ['UNSUPPORTED_BY_VENDOR', ETELECOM, ['extensions', 'edges', e, 'node', 'callStatistics']],
        ['UNSUPPORTED_BY_VENDOR', ETELECOM, ['extensions', 'edges', e, 'node', 'greetings']],
      ],
    );
    const js = await byGraphqlJs(query);
    assert.deepEqual(js.data, answer.data);
    assert.deepEqual(sorted(js), sorted(answer));
  });

  test('node(id:): fragments on another type load nothing; the Extension fragment is resolved ahead', async () => {
    const [id] = await ids(PORTSIP, 1);
    const sim = stack.sims.get('portsip')!;
    const groupCalls = () => [...sim.requests].filter(([route]) => route.includes('/group/')).reduce((a, [, n]) => a + n, 0);
    await stack.gql(`mutation { refreshPbx(id: "${PORTSIP}") { id } }`); // the group index not cached
    stack.reset();
    const query = `query($id: ID!) { node(id: $id) { id ... on Group { name members { number } } ... on Extension { number status } } }`;
    const answer = await stack.gql(query, { id });
    assert.equal(answer.errors, undefined);
    assert.equal(answer.data.node.id, id);
    assert.equal(typeof answer.data.node.status, 'string');
    assert.equal(groupCalls(), 0, 'nothing loaded for the Group fragment');
    const withGroups = await stack.gql(`query($id: ID!) { node(id: $id) { ... on Extension { groups { name } } } }`, { id });
    assert.equal(withGroups.errors, undefined);
    assert.ok(withGroups.data.node.groups.length > 0);
    assert.ok(groupCalls() > 0, 'the Extension fragment asks for groups: they are loaded');
    assert.deepEqual((await byGraphqlJs(query, { id })).data, answer.data);
  });

  test('_entities: a failed load is filed at its representation\'s index', async () => {
    const found = await ids(PORTSIP, 2);
    const reps = [{ __typename: 'Extension', id: 'not-an-id' }, ...found.map((id) => ({ __typename: 'Extension', id }))];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Extension { number status } } }`;
    failStatus = true;
    try {
      const answer = await stack.gql(query, { r: reps });
      assert.equal(answer.data._entities[0], null);
      assert.equal(answer.data._entities[1].status, null);
      assert.equal(answer.data._entities[2].status, null);
      assert.deepEqual(
        sorted(answer).map((e) => [e.extensions?.code, e.path]),
        [
          ['BAD_USER_INPUT', ['_entities', 0]],
          ['VENDOR_UNAVAILABLE', ['_entities', 1, 'status']],
          ['VENDOR_UNAVAILABLE', ['_entities', 2, 'status']],
        ],
      );
      const js = await byGraphqlJs(query, { r: reps });
      assert.deepEqual(js.data, answer.data);
      assert.deepEqual(sorted(js).map((e) => [e.extensions?.code, e.path]), sorted(answer).map((e) => [e.extensions?.code, e.path]));
      // Two `_entities` fields side by side, each over its own list: each error at its own index.
      const two = await stack.gql(
        `query($a: [_Any!]!, $b: [_Any!]!) { a: _entities(representations: $a) { ... on Extension { status } } b: _entities(representations: $b) { ... on Extension { status } } }`,
        { a: reps.slice(1), b: [reps[0], reps[0], reps[2]] },
      );
      assert.deepEqual(
        sorted(two).map((e) => [e.extensions?.code, e.path]),
        [
          ['VENDOR_UNAVAILABLE', ['a', 0, 'status']],
          ['VENDOR_UNAVAILABLE', ['a', 1, 'status']],
          ['BAD_USER_INPUT', ['b', 0]],
          ['BAD_USER_INPUT', ['b', 1]],
          ['VENDOR_UNAVAILABLE', ['b', 2, 'status']],
        ],
      );
    } finally {
      failStatus = false;
    }
  });
});
