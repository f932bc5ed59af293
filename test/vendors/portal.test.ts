import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startGateway, type Gateway } from '../../src/server/app.ts';
import { classifyPortalAnswer } from '../../src/vendors/portal/client.ts';
import { mapE911, mapExtension, mapListItem, portalDateTimeToIso } from '../../src/vendors/portal/mappers.ts';
import { PORTAL_SIM_AUTH_ID, PORTAL_SIM_AUTH_KEY, startPortalSimulator } from '../../src/vendors/portal/simulator.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { codes, startStack, vendorCalls, type GqlResult, type TestStack } from '../helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/portal/${name}.json`, import.meta.url), 'utf8'));
const extId = (source: string, number: string) => Buffer.from(`Extension:${source}:${number}`).toString('base64url');
const errs = (r: GqlResult) => (r.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.pbx]);
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
const creds = { authId: PORTAL_SIM_AUTH_ID, authKey: PORTAL_SIM_AUTH_KEY, module: 'pbx', pbxId: '1234' };

describe('Point VoIP contract: each doc example maps to the expected domain object', () => {
  for (const name of ['get-extension', 'e911-set', 'e911-none']) {
    test(`get/extension: ${name}`, () => {
      const f = fixture(name);
      assert.deepEqual(mapExtension(f.sourceId, f.extId, f.raw), f.expected);
    });
  }
  test('get/extensions items are partial records with number, names and registration', () => {
    const f = fixture('list');
    assert.deepEqual(f.raw.result.map((x: never) => mapListItem(f.sourceId, x)), f.expected);
  });
  test('e911: an empty array is none, an object is set, an object of empty members is none', () => {
    assert.equal(mapE911([]), null);
    assert.equal(mapE911({ address1: '', city: '' }), null);
    assert.equal(mapE911({ city: 'HOBOKEN' })?.city, 'HOBOKEN');
  });
  test('lastUpdate: read as UTC; zero and impossible dates are null', () => {
    assert.equal(portalDateTimeToIso('2020-04-03 11:20:01'), '2020-04-03T11:20:01.000Z');
    assert.equal(portalDateTimeToIso('0000-00-00 00:00:00'), null);
    assert.equal(portalDateTimeToIso('2021-02-29 10:00:00'), null);
    assert.equal(portalDateTimeToIso('yesterday'), null);
  });
  test('status: a failure flag on a bare envelope, the registration on an answer with extension data', () => {
    const env = { node: 'VE-NY-04', executionTime: '0.01' };
    assert.equal(classifyPortalAnswer(200, { ...env, message: 'Extension data exported from cache.', firstName: 'A', status: false }), undefined);
    assert.equal(classifyPortalAnswer(200, { ...env, message: 'Extension not found.', status: false })?.code, 'NOT_FOUND');
    assert.equal(classifyPortalAnswer(200, { ...env, message: 'Something broke.', status: false })?.code, 'VENDOR_UNAVAILABLE');
    assert.equal(classifyPortalAnswer(401, { ...env, message: 'Invalid authentication', status: false })?.code, 'VENDOR_AUTH_FAILED');
    assert.equal(classifyPortalAnswer(200, { ...env, message: 'ok', count: 0, result: [], status: true }), undefined);
  });
  test("the simulator serves the doc's example as extension 1000", async () => {
    const sim = await startPortalSimulator({ size: 0 });
    try {
      const f = fixture('get-extension');
      const { status, body } = await post(`${sim.url}/get/extension`, { ...creds, extId: '1000' });
      assert.equal(status, 200);
      assert.deepEqual(mapExtension(f.sourceId, '1000', body as never), f.expected);
    } finally {
      await sim.close();
    }
  });
});

describe('Point VoIP config', () => {
  const base = { id: 'p', vendor: 'portal', baseUrl: 'https://portal.example/api/v1', authId: PORTAL_SIM_AUTH_ID, authKey: PORTAL_SIM_AUTH_KEY, pbxId: '1234' };
  const parse = (extra: Record<string, unknown>) => parseConfig({ sources: [{ ...base, ...extra }] }, VENDORS, {});
  test('defaults and a valid extensions list', () => {
    const s = parse({ extensions: ['1000-1099', '2000'] }).sources[0] as unknown as Record<string, unknown>;
    assert.equal(s['concurrency'], 8);
    assert.equal(s['listCacheMs'], 5000);
  });
  for (const [what, extra] of [
    ['a short authId', { authId: 'short' }],
    ['a 25-character authKey', { authKey: `${PORTAL_SIM_AUTH_KEY}x` }],
    ['a non-numeric pbxId', { pbxId: 'pbx-1' }],
    ['a descending range', { extensions: ['1099-1000'] }],
    ['a malformed entry', { extensions: ['1000-'] }],
    ['an empty extensions list', { extensions: [] }],
  ] as const) {
    test(`rejects ${what} (without echoing credentials)`, () => {
      assert.throws(() => parse(extra), (e: unknown) => e instanceof ConfigError && !e.message.includes(PORTAL_SIM_AUTH_KEY));
    });
  }
});

const PAGE = `query($first: Int, $after: String) {
  extensions(pbx: "portal-demo", first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { number name status } }
  }
}`;

describe('Point VoIP end to end: vendor calls', () => {
  let stack: TestStack;
  before(async () => {
    // A latency so gets overlap, a cap of 4, and no list reuse so each query pays for its own list.
    stack = await startStack({ vendors: ['portal'], size: 40, latencyMs: 15, sourceOverrides: { portal: { concurrency: 4, listCacheMs: 0 } } });
  });
  after(() => stack.close());

  test('a page of 20 with name and status costs exactly 1 vendor call', async () => {
    stack.reset();
    const sim = stack.sims.get('portal')!;
    const r = await stack.gql(PAGE, { first: 20 });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extensions.edges.length, 20);
    assert.equal(r.data.extensions.totalCount, 41);
    assert.deepEqual(r.data.extensions.edges[0].node, { number: '1000', name: 'Jane Doe', status: 'AVAILABLE' });
    assert.deepEqual(vendorCalls(r), { 'portal-demo': 1 });
    assert.equal(sim.requests.get('POST /get/extensions'), 1);
    assert.equal(sim.totalRequests(), 1);
  });

  test('with fields only the single get has: exactly 1 + 20 calls, never more than 4 in flight', async () => {
    stack.reset();
    const sim = stack.sims.get('portal')!;
    const r = await stack.gql(`{ extensions(pbx: "portal-demo", first: 20) { edges { node { number name status email lastUpdated e911 { address1 state } } } } }`);
    assert.equal(r.errors, undefined);
    const nodes = r.data.extensions.edges.map((e: { node: unknown }) => e.node);
    assert.deepEqual(nodes[0], { number: '1000', name: 'Jane Doe', status: 'AVAILABLE', email: '[email protected]', lastUpdated: '2020-04-03T11:20:01.000Z', e911: { address1: '329 S. OYSTER BAY RD', state: 'NEW YORK' } });
    assert.deepEqual(vendorCalls(r), { 'portal-demo': 21 });
    assert.equal(sim.requests.get('POST /get/extensions'), 1);
    assert.equal(sim.requests.get('POST /get/extension'), 20);
    assert.equal(sim.totalRequests(), 21);
    const gets = sim.log.filter((l) => l.path === '/get/extension').map((l) => l.body as Record<string, unknown>);
    assert.deepEqual(gets.map((b) => b['extId']).sort(), nodes.map((n: { number: string }) => n.number).sort());
    assert.ok(gets.every((b) => b['module'] === 'pbx' && b['pbxId'] === '1234'));
    assert.ok(sim.maxInFlight() <= 4, `maxInFlight ${sim.maxInFlight()}`);
    // Both shapes of e911 appear in the generated data: set (object) and none (empty array).
    assert.ok(nodes.some((n: { e911: unknown }) => n.e911 === null) && nodes.some((n: { e911: unknown }) => n.e911 !== null));
  });

  test('one extension by id: status, its freshness and the detail fields from one get', async () => {
    stack.reset();
    const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number firstName callerIds { outbound } lastUpdated status statusDetail { vendorStatus updatedAt } } }`, { id: extId('portal-demo', '1000') });
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data.extension, {
      number: '1000', firstName: 'Jane', callerIds: { outbound: '+15169005353' }, lastUpdated: '2020-04-03T11:20:01.000Z',
      status: 'AVAILABLE', statusDetail: { vendorStatus: 'true', updatedAt: '2020-04-03T11:20:01.000Z' },
    });
    assert.deepEqual(vendorCalls(r), { 'portal-demo': 1 });
  });

  test('unknown extension is NOT_FOUND (one get); a malformed id is BAD_USER_INPUT with no call', async () => {
    stack.reset();
    const sim = stack.sims.get('portal')!;
    const missing = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('portal-demo', '1999') });
    assert.deepEqual(errs(missing), [['NOT_FOUND', 'portal-demo']]);
    assert.equal(sim.totalRequests(), 1);
    stack.reset();
    const malformed = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('portal-demo', '01x') });
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    assert.equal(sim.totalRequests(), 0);
  });

  test('search and lookup by number filter the list in memory', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "portal-demo", search: "jane") { totalCount edges { node { number } } } findExtension(pbx: "portal-demo", number: "1000") { name } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data.extensions.edges.map((e: { node: { number: string } }) => e.node.number), ['1000']);
    assert.equal(r.data.findExtension.name, 'Jane Doe');
    assert.ok([...stack.sims.get('portal')!.requests.keys()].every((k) => k === 'POST /get/extensions'));
  });

  test('capabilities, and a field the portal cannot give costs no call', async () => {
    stack.reset();
    const r = await stack.gql(`{ pbx(id: "portal-demo") { vendor capabilities health { ok } } extensions(pbx: "portal-demo", first: 2) { edges { node { number devices { id } } } } }`);
    assert.deepEqual(r.data.pbx, { vendor: 'portal', capabilities: ['E911', 'EXTENSION_LIST', 'EXTENSION_SEARCH', 'STATUS'], health: { ok: true } });
    // Both rows are null; the request gets one error for the field, at the first row that asked.
    assert.deepEqual(r.data.extensions.edges.map((e: any) => e.node.devices), [null, null]);
    assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR']);
    assert.deepEqual(r.errors![0]!.path, ['extensions', 'edges', 0, 'node', 'devices']);
    assert.ok([...stack.sims.get('portal')!.requests.keys()].every((k) => k === 'POST /get/extensions'));
  });
});

describe('Point VoIP end to end: the list is kept for paging', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['portal'], size: 40 });
  });
  after(() => stack.close());

  test('two consecutive pages cost 1 vendor call, without gaps or repeats', async () => {
    stack.reset();
    const one = await stack.gql(PAGE, { first: 25 });
    const two = await stack.gql(PAGE, { first: 25, after: one.data.extensions.pageInfo.endCursor });
    assert.equal(one.errors ?? two.errors, undefined);
    const numbers = [...one.data.extensions.edges, ...two.data.extensions.edges].map((e: { node: { number: string } }) => e.node.number);
    assert.equal(numbers.length, 41);
    assert.equal(new Set(numbers).size, 41);
    assert.equal(two.data.extensions.pageInfo.hasNextPage, false);
    assert.equal(stack.sims.get('portal')!.totalRequests(), 1);
  });
});

describe('Point VoIP failures give typed errors and keep the other sources', () => {
  let stack: TestStack;
  let gateway: Gateway;
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GqlResult;
  };
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'portal'], size: 5, sourceOverrides: { portal: { timeoutMs: 300, listCacheMs: 0 } } });
    const portalUrl = stack.sims.get('portal')!.url;
    const config = parseConfig(
      {
        server: { port: 0, host: '127.0.0.1', debug: true },
        sources: [
          { id: 'wrongauth', vendor: 'portal', baseUrl: portalUrl, authId: PORTAL_SIM_AUTH_ID, authKey: 'X'.repeat(24), pbxId: '1234' },
          { id: 'limited', vendor: 'portal', baseUrl: portalUrl, authId: PORTAL_SIM_AUTH_ID, authKey: PORTAL_SIM_AUTH_KEY, pbxId: '1234', extensions: ['1000-1002', '1004'] },
          { id: 'vital', vendor: 'vitalpbx', baseUrl: stack.sims.get('vitalpbx')!.url, appKey: 'vital-demo-app-key', tenant: '1' },
        ],
      },
      VENDORS,
      {},
    );
    gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger() });
  });
  after(async () => {
    await gateway.stop();
    await stack.close();
  });

  for (const [fault, code] of [['error500', 'VENDOR_UNAVAILABLE'], ['timeout', 'VENDOR_TIMEOUT'], ['garbage', 'VENDOR_UNAVAILABLE']] as const) {
    test(`${fault}: ${code} for the portal, data from VitalPBX (list and single get)`, async () => {
      const sim = stack.sims.get('portal')!;
      sim.setFault(fault);
      try {
        const r = await stack.gql(`query($id: ID!) { extensions(first: 500) { edges { node { number pbx { sourceId } } } } one: extension(id: $id) { number e911 { city } } }`, { id: extId('portal-demo', '1000') });
        assert.equal(r.status, 200);
        assert.deepEqual([...new Set(r.data.extensions.edges.map((e: { node: { pbx: { sourceId: string } } }) => e.node.pbx.sourceId))], ['vital-hq']);
        assert.equal(r.data.one, null);
        assert.deepEqual(errs(r), [[code, 'portal-demo'], [code, 'portal-demo']]);
        const text = JSON.stringify(r);
        assert.ok(!text.includes('sim-canary-secret'), 'vendor body leaked');
        assert.ok(!text.includes('127.0.0.1'), 'vendor URL leaked');
      } finally {
        sim.setFault('none');
      }
    });
  }

  test('bad credentials: VENDOR_AUTH_FAILED naming the source, the others still answer', async () => {
    const r = await gql(`{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }`);
    assert.deepEqual(errs(r), [['VENDOR_AUTH_FAILED', 'wrongauth']]);
    assert.deepEqual([...new Set(r.data.extensions.edges.map((e: { node: { pbx: { sourceId: string } } }) => e.node.pbx.sourceId))], ['limited', 'vital']);
    assert.ok(!JSON.stringify(r).includes(PORTAL_SIM_AUTH_KEY));
  });

  test('the extensions limit: only those numbers listed; one outside is NOT_FOUND with no vendor call', async () => {
    const sim = stack.sims.get('portal')!;
    const list = await gql(`{ extensions(pbx: "limited") { totalCount edges { node { number } } } }`);
    assert.deepEqual(list.data!.extensions.edges.map((e: { node: { number: string } }) => e.node.number), ['1000', '1001', '1002', '1004']);
    assert.equal(list.data!.extensions.totalCount, 4);
    sim.resetCounters();
    const outside = await gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('limited', '1003') });
    assert.deepEqual(errs(outside), [['NOT_FOUND', 'limited']]);
    assert.equal(sim.totalRequests(), 0);
    const inside = await gql(`query($id: ID!) { extension(id: $id) { number email } }`, { id: extId('limited', '1004') });
    assert.equal(inside.errors, undefined);
    assert.equal(inside.data!.extension.number, '1004');
    assert.equal(sim.totalRequests(), 1);
  });

  test("the simulator answers like the vendor: 401 envelope for bad credentials, status false for an unknown extension", async () => {
    const url = stack.sims.get('portal')!.url;
    const bad = await post(`${url}/get/extensions`, { ...creds, authKey: 'X'.repeat(24) });
    assert.equal(bad.status, 401);
    assert.deepEqual(Object.keys(bad.body).sort(), ['executionTime', 'message', 'node', 'status']);
    assert.equal(bad.body['status'], false);
    const unknown = await post(`${url}/get/extension`, { ...creds, extId: '4242' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body['status'], false);
    assert.equal(unknown.body['firstName'], undefined);
    const list = await post(`${url}/get/extensions`, creds);
    assert.equal(list.body['count'], 6);
    assert.deepEqual(Object.keys((list.body['result'] as object[])[0]!).sort(), ['firstName', 'lastName', 'number', 'status']);
  });
});
