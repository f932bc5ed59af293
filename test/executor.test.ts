import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { parseConfig } from '../src/core/config.ts';
import { GlobalIds } from '../src/core/ids.ts';
import { newRequestScope } from '../src/core/request-scope.ts';
import { createContext, releaseContext } from '../src/server/context.ts';
import { PageHints } from '../src/server/page-hints.ts';
import { splitRootFields } from '../src/server/jit.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { startStack, type TestStack } from './helpers.ts';

/*
 * The server executes operations with graphql-jit (compiled) by default. graphql-js is the reference:
 * the same operations over the same simulators must give byte-for-byte the same answers and the same
 * HTTP status from both, errors included.
 */

const SOURCES = ['vital-hq', 'portsip-demo', 'telecomx-demo', 'etelecom-demo', 'portal-demo'];
const gid = (type: string, source: string, id = '') => Buffer.from(`${type}:${source}:${id}`).toString('base64url');

const EVERYTHING = `id vendorId number name firstName lastName email language enabled restricted
  callerIds { internal external emergency outbound } directNumber notes tenant sipDomain lastUpdated
  status statusDetail { status vendorStatus userAgent updatedAt }
  devices { id technology name description userAgent macAddress model online dnd }
  queues { penalty queue { id name } } groups { id name memberCount members { id number } }
  voicemail { enabled mailbox language hasVoicemailPin playCallerId messages { id folder receivedAt callerId durationSeconds recordingPath } }
  greetings { name enabled isDefault } e911 { subscriber address1 address2 city state zip }
  forwarding { condition callers hours action number timeoutSeconds } presenceRules { presence action }
  officeHours { mode days { day from to } } callStatistics { local incoming outgoing transit }
  outboundDestinations mobileDelaySeconds subscription { state vendorState expiresAt }`;

interface Op {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

describe('graphql-jit answers exactly as graphql-js does', () => {
  let stack: TestStack;
  let reference: string;
  const ops: Op[] = [];
  before(async () => {
    stack = await startStack({ size: 12 });
    reference = (await stack.another({ executor: 'graphql-js' })).url;
    const ids = await stack.gql(`{ ${SOURCES.map((s, i) => `s${i}: extensions(pbx: "${s}", first: 3) { edges { node { id } } }`).join(' ')} }`);
    const extIds = SOURCES.map((_, i) => ids.data[`s${i}`].edges[1].node.id as string);
    ops.push(
      {
        name: 'dashboard over every source, with unsupported fields',
        query: `query D { pbxes { id vendor capabilities } ${SOURCES.map((s, i) => `a${i}: pbx(id: "${s}") { id name extensions(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id number name status devices { id technology userAgent online } queues { penalty queue { id name } } groups { id name } } } } }`).join(' ')} }`,
      },
      ...SOURCES.map((s, i) => ({ name: `one extension with everything: ${s}`, query: `query($id: ID!) { extension(id: $id) { ${EVERYTHING} } }`, variables: { id: extIds[i] } })),
      {
        name: '_entities: found, missing, malformed, hidden source',
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Extension { id number name } } }`,
        variables: { r: [...extIds, gid('Extension', 'vital-hq', '9999'), 'not-an-id', gid('Extension', 'nowhere', '1'), gid('Group', 'portsip-demo', '1')].map((id) => ({ __typename: 'Extension', id })) },
      },
      {
        name: 'node for every type, and ids that name nothing',
        query: `query($p: ID!, $e: ID!, $g: ID!, $x: ID!) { p: node(id: $p) { __typename id ... on Pbx { sourceId } } e: node(id: $e) { __typename id ... on Extension { number } } g: node(id: $g) { __typename id ... on Group { name } } x: node(id: $x) { id } }`,
        variables: { p: gid('Pbx', 'vital-hq'), e: extIds[0], g: gid('Group', 'portsip-demo', '1'), x: 'Zm9v' },
      },
      { name: 'a missing source and a bad page size', query: '{ a: extensions(pbx: "nope") { edges { cursor } } b: extensions(first: 0) { edges { cursor } } c: extensions(pbx: "vital-hq", after: "bad") { edges { cursor } } }' },
      { name: 'paging with cursors across sources', query: '{ extensions(first: 15) { edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }' },
      { name: 'search and lookups', query: '{ s: extensions(pbx: "vital-hq", search: "1", first: 3) { edges { node { number } } } f: findExtension(pbx: "etelecom-demo", number: "1001") { number } u: extensions(pbx: "etelecom-demo", search: "x") { edges { cursor } } }' },
      { name: 'groups with members', query: '{ groups { id name memberCount pbx { sourceId } members { id number groups { id } } } }' },
      { name: 'skip, include, fragments and aliases', query: 'query($yes: Boolean!) { ...Top pbxes @include(if: $yes) { n: name } h: pbxes @skip(if: $yes) { id } } fragment Top on Query { pbx(id: "portal-demo") { ... on Pbx { vendor } } }', variables: { yes: true } },
      { name: 'a missing variable', query: 'query($id: ID!) { extension(id: $id) { id } }', variables: {} },
      { name: 'a variable of the wrong type', query: 'query($n: Int) { extensions(first: $n) { edges { cursor } } }', variables: { n: 'ten' } },
      { name: 'a variable of the wrong type, several root fields', query: 'query($n: Int) { a: extensions(first: $n) { edges { cursor } } b: pbxes { id } }', variables: { n: 'ten' } },
      { name: 'introspection', query: '{ __schema { queryType { name } } __type(name: "Extension") { name fields { name type { name kind ofType { name } } } } }' },
      { name: 'the federation SDL', query: '{ _service { sdl } }' },
      { name: 'a mutation', query: 'mutation { refreshPbx(id: "vital-hq") { id } }' },
    );
  });
  after(() => stack.close());

  test('every operation, compared', async () => {
    const post = async (url: string, op: Op) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: op.query, variables: op.variables }) });
      const body = (await res.json()) as Record<string, unknown>;
      // The vendor-call counts differ: whichever gateway asks second finds the short-lived list caches warm.
      delete body['extensions'];
      // Errors come in the order they happened, which depends on which vendor answered first.
      if (Array.isArray(body['errors'])) body['errors'] = body['errors'].map((e) => JSON.stringify(e)).sort();
      return { status: res.status, body };
    };
    for (const op of ops) {
      const jit = await post(stack.gateway.url, op);
      const js = await post(reference, op);
      assert.deepEqual(jit, js, op.name);
    }
    // The comparison means something only if the operations answered data and errors both.
    const statuses = new Set<number>();
    for (const op of ops) statuses.add((await post(stack.gateway.url, op)).status);
    assert.deepEqual([...statuses].sort(), [200, 400]);
  });

  test('an answer whose root fields were serialised apart is the JSON.stringify text of the answer', async () => {
    // The dashboard splits into one operation per root field (jit.ts); the text spliced from their
    // serialised pieces must be the canonical JSON of the whole, errors and extensions included.
    for (const op of ops.slice(0, 1).concat(ops.filter((o) => o.name.startsWith('search') || o.name.startsWith('a missing source')))) {
      const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: op.query, variables: op.variables }) });
      const text = await res.text();
      const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
      assert.ok(Object.keys(parsed.data ?? {}).length >= 2, op.name);
      assert.equal(text, JSON.stringify(parsed), op.name);
    }
  });

  test('a variable that does not coerce is BAD_USER_INPUT with HTTP 400, before any vendor call', async () => {
    stack.reset();
    const r = await stack.gql('query($id: ID!) { extension(id: $id) { id } }', {});
    assert.equal(r.status, 400);
    assert.deepEqual(r.errors?.map((e) => e.extensions?.code), ['BAD_USER_INPUT']);
    assert.equal([...stack.sims.values()].reduce((n, s) => n + s.totalRequests(), 0), 0);
  });
});

describe('splitting a query by root field', () => {
  const split = (source: string) => {
    const doc = parse(source);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return splitRootFields(doc, op)?.map(({ key, document }) => [key, print(document).replace(/\s+/g, ' ')]);
  };

  test('one operation per response key, in order, with the fragments it may use', () => {
    const parts = split('query Q($n: Int) { b: pbxes { id } a: extensions(first: $n) { ...E } b: pbxes { name } } fragment E on ExtensionConnection { totalCount }');
    assert.deepEqual(
      parts?.map(([key]) => key),
      ['b', 'a'],
    );
    assert.match(parts![0]![1]!, /query Q\(\$n: Int\) \{ b: pbxes \{ id \} b: pbxes \{ name \} \} fragment E/);
    assert.match(parts![1]![1]!, /query Q\(\$n: Int\) \{ a: extensions\(first: \$n\) \{ \.\.\.E \} \} fragment E/);
  });

  test('runs whole: one root key, a mutation, a fragment at the root', () => {
    assert.equal(split('{ pbxes { id } pbxes { name } }'), undefined);
    assert.equal(split('mutation { a: refreshPbx(id: "x") { id } b: refreshPbx(id: "y") { id } }'), undefined);
    assert.equal(split('{ pbxes { id } ...F } fragment F on Query { groups { id } }'), undefined);
    assert.equal(split('{ pbxes { id } ... on Query { groups { id } } }'), undefined);
  });
});

describe('executor configuration', () => {
  const raw = (server: Record<string, unknown>) => ({ server, sources: [{ id: 'hq', vendor: 'vitalpbx', baseUrl: 'http://localhost:1/api/v2', appKey: 'k', tenant: '1' }] });

  test('graphql-jit by default, graphql-js when federated tracing is on', () => {
    assert.equal(parseConfig(raw({}), VENDORS, {}).server.executor, 'jit');
    assert.equal(parseConfig(raw({ federatedTracing: true }), VENDORS, {}).server.executor, 'graphql-js');
    assert.equal(parseConfig(raw({ executor: 'graphql-js' }), VENDORS, {}).server.executor, 'graphql-js');
  });

  test('federated tracing with the jit executor is refused, naming the field and the value', () => {
    assert.throws(() => parseConfig(raw({ federatedTracing: true, executor: 'jit' }), VENDORS, {}), /server\.executor: .*"jit"/);
    assert.throws(() => parseConfig(raw({ executor: 'fast' }), VENDORS, {}), /server\.executor: .*"fast"/);
  });
});

describe('a request lets go of what it held once answered', () => {
  test('releaseContext drops the answer tree, the loaders and the remembered records', async () => {
    const stack = await startStack({ size: 3 });
    try {
      const source = stack.gateway.sources[0]!;
      const ctx = createContext(stack.gateway.sources, { name: 'test', scopes: new Set(['read']), sources: undefined }, newRequestScope(), 'r1', new GlobalIds(), new PageHints());
      const response: { body?: unknown } = { body: { kind: 'single', singleResult: { data: { big: 'tree' } } } };
      ctx.meta.response = response;
      const before = ctx.loaders.get('extension', source);
      assert.ok(before);
      ctx.errors.unsupported({ name: 'Extension.status', what: 'status' }, source, ['extension', 'status']);
      releaseContext(ctx);
      assert.equal(response.body, undefined);
      assert.equal(ctx.meta.response, undefined);
      assert.equal(ctx.errors.size, 0);
      assert.notEqual(ctx.loaders.get('extension', source), before, 'a loader made before the release is not kept');
    } finally {
      await stack.close();
    }
  });
});
