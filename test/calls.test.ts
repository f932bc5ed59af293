import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codes, startStack, vendorCalls, type TestStack } from './helpers.ts';

/*
 * How many vendor calls each dashboard question costs, per source. These are the documented
 * minimums (bench/RESULTS.md explains each); caches that outlive a request are switched off here so
 * every query pays its own way.
 */

const SOURCES = ['vital-hq', 'portsip-demo', 'telecomx-demo', 'etelecom-demo', 'portal-demo'] as const;

const DASH = `fragment Dash on Extension { id number name status devices { id online } queues { queue { name } penalty } groups { name } }`;
const Q1 = `${DASH} query Q1 { ${SOURCES.map((s, i) => `s${i}: extensions(pbx: "${s}", first: 50) { edges { node { ...Dash } } }`).join(' ')} }`;
const Q2 = `query Q2($id: ID!) { extension(id: $id) { id number name firstName lastName email language enabled restricted
  callerIds { internal external outbound } directNumber notes tenant sipDomain lastUpdated
  status statusDetail { status vendorStatus updatedAt }
  devices { id technology model online dnd } queues { queue { name } penalty } groups { name memberCount }
  voicemail { enabled mailbox hasVoicemailPin messages { folder durationSeconds } } greetings { name isDefault }
  e911 { city } forwarding { condition callers action number } presenceRules { presence action }
  officeHours { mode } callStatistics { incoming } outboundDestinations mobileDelaySeconds subscription { state expiresAt } } }`;
const Q3 = `query Q3($reps: [_Any!]!) { _entities(representations: $reps) { ... on Extension { id number name } } }`;

/** Q1 per source: list (+ PortSIP: 1 status batch, 1 group list, 1 show per group). */
const Q1_CALLS: Record<string, number> = { 'vital-hq': 1, 'telecomx-demo': 1, 'etelecom-demo': 1, 'portal-demo': 1 };

describe('vendor calls per dashboard query, every source', () => {
  let stack: TestStack;
  let groups = 0;
  const ids = new Map<string, string[]>();
  before(async () => {
    stack = await startStack({
      size: 60,
      sourceOverrides: { vitalpbx: { listCacheMs: 0 }, portal: { listCacheMs: 0 }, portsip: { groupCacheMs: 0 } },
    });
    // Warm the vendor sessions (PortSIP and Telecom X log in once) and collect ids.
    const warm = await stack.gql(`{ ${SOURCES.map((s, i) => `s${i}: extensions(pbx: "${s}", first: 50) { edges { node { id } } }`).join(' ')} groups(pbx: "portsip-demo") { id } }`);
    SOURCES.forEach((s, i) => ids.set(s, warm.data[`s${i}`].edges.map((e: any) => e.node.id)));
    groups = warm.data.groups.length;
  });
  after(() => stack.close());

  test('Q1: 50 extensions from every source with status, devices, queues, groups', async () => {
    const r = await stack.gql(Q1);
    assert.ok(r.data, JSON.stringify(r.errors));
    for (let i = 0; i < SOURCES.length; i++) assert.equal(r.data[`s${i}`].edges.length, 50, SOURCES[i]);
    // Only capability gaps are errors: never a vendor failure.
    assert.ok(codes(r).every((c) => c === 'UNSUPPORTED_BY_VENDOR'), codes(r).join());
    assert.deepEqual(vendorCalls(r), { ...Q1_CALLS, 'portsip-demo': 2 + 1 + groups });
  });

  test('Q2: one extension with everything, per source', async () => {
    const seen: Record<string, number> = {};
    for (const s of SOURCES) {
      const r = await stack.gql(Q2, { id: ids.get(s)![1] });
      assert.ok(r.data.extension, s);
      assert.ok(codes(r).every((c) => c === 'UNSUPPORTED_BY_VENDOR'), `${s}: ${codes(r).join()}`);
      seen[s] = vendorCalls(r)[s] ?? 0;
    }
    // vitalpbx: get + voicemail_records + cdr_summary; portsip: show + status + greetings + 1 group
    // show; telecomx: get; etelecom: the list page holding it; portal: get.
    assert.deepEqual(seen, { 'vital-hq': 3, 'portsip-demo': 4, 'telecomx-demo': 1, 'etelecom-demo': 1, 'portal-demo': 1 });
  });

  test('Q3: _entities with 50 representations of one source costs one batched lookup', async () => {
    const seen: Record<string, number> = {};
    for (const s of SOURCES) {
      const reps = ids.get(s)!.map((id) => ({ __typename: 'Extension', id }));
      const r = await stack.gql(Q3, { reps });
      assert.equal(r.errors, undefined, s);
      assert.deepEqual(r.data._entities.map((e: any) => e.id), ids.get(s));
      seen[s] = vendorCalls(r)[s] ?? 0;
    }
    assert.deepEqual(seen, { 'vital-hq': 1, 'portsip-demo': 1, 'telecomx-demo': 1, 'etelecom-demo': 1, 'portal-demo': 1 });
  });

  test('concurrent requests each count only their own vendor calls', async () => {
    const one = (s: string) => `{ extensions(pbx: "${s}", first: 50) { edges { node { id status devices { id } } } } }`;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => stack.gql(one(SOURCES[i % SOURCES.length]!))));
    answers.forEach((r, i) => {
      const s = SOURCES[i % SOURCES.length]!;
      // Each request asked one source: its list (+ PortSIP's status batch), counted for it alone.
      assert.deepEqual(vendorCalls(r), { [s]: s === 'portsip-demo' ? 2 : 1 }, `request ${i} (${s})`);
    });
  });

  test('what the nodes of a page will ask for is loaded as soon as the page is known, and only that', async () => {
    const q = `query($s: Boolean!) { extensions(pbx: "portsip-demo", first: 50) { edges { ...E } } } fragment E on ExtensionEdge { node { id ... on Extension { status @include(if: $s) } } }`;
    // status through a fragment, an inline fragment and @include: one list call, one status batch.
    const withStatus = await stack.gql(q, { s: true });
    assert.equal(withStatus.data.extensions.edges.length, 50);
    assert.deepEqual(vendorCalls(withStatus), { 'portsip-demo': 2 });
    // Left out by @include: no status call at all.
    const without = await stack.gql(q, { s: false });
    assert.deepEqual(vendorCalls(without), { 'portsip-demo': 1 });
  });

  test('Q4: Q1 with one source failing costs the others nothing extra', async () => {
    stack.sims.get('telecomx')!.setFault('error500');
    try {
      const r = await stack.gql(Q1);
      const failing = (r.errors ?? []).filter((e) => e.extensions?.code !== 'UNSUPPORTED_BY_VENDOR');
      assert.deepEqual(failing.map((e) => [e.extensions?.code, e.extensions?.pbx]), [['VENDOR_UNAVAILABLE', 'telecomx-demo']]);
      for (const [i, s] of SOURCES.entries()) if (s !== 'telecomx-demo') assert.equal(r.data[`s${i}`].edges.length, 50, s);
      // A 500 is not retried (only 502/503/504 and connection resets are), so it costs one call.
      assert.deepEqual(vendorCalls(r), { ...Q1_CALLS, 'portsip-demo': 2 + 1 + groups });
    } finally {
      stack.sims.get('telecomx')!.setFault('none');
    }
  });
});
