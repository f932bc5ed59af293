import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config.ts';
import { PbxError } from '../../src/core/errors.ts';
import { createSourceHttp } from '../../src/core/http.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { SimulatorHandle } from '../../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../../src/server/app.ts';
import { classifyEtelecomAnswer, createEtelecomClient, rpcBaseUrl, type EtelecomClient } from '../../src/vendors/etelecom/client.ts';
import { mapExtension, mapExtensionInfo, mapSubscriptionState, toIso } from '../../src/vendors/etelecom/mappers.ts';
import { ETELECOM_SIM_API_KEY, ETELECOM_SIM_CALLS, ETELECOM_SIM_HOTLINES, startEtelecomSimulator } from '../../src/vendors/etelecom/simulator.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { codes, startStack, vendorCalls, type GqlResult, type TestStack } from '../helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/etelecom/${name}.json`, import.meta.url), 'utf8'));
const SOURCE = 'etelecom-demo';
const extId = (number: string) => Buffer.from(`Extension:${SOURCE}:${number}`).toString('base64url');
/** Numbers the simulator lists for `size`, in its (creation) order: the two seeds, then 2000, 2001, ... */
const simNumbers = (size: number) => ['1001', '1002', ...Array.from({ length: size }, (_, i) => String(2000 + i))];
/** The `paging` bodies the simulator received for GetExtensions, oldest first. */
const pagingSent = (sim: SimulatorHandle) =>
  sim.log.filter((r) => r.path === '.Etelecom/GetExtensions').map((r) => (r.body as { paging: { limit?: number; after?: string } }).paging);

describe('eTelecom contract: each doc example maps to the expected domain object', () => {
  for (const name of ['extension', 'create-extension', 'extension-offset-time']) {
    test(`${name}.json (mapExtension)`, () => {
      const f = fixture(name);
      assert.deepEqual(mapExtension(f.sourceId, f.raw), f.expected);
    });
  }
  test('extension-info.json (mapExtensionInfo): a partial record', () => {
    const f = fixture('extension-info');
    const e = mapExtensionInfo(f.sourceId, f.raw);
    assert.deepEqual(e, f.expected);
    // Left undefined, so the resolver fills them from loadExtensions.
    for (const k of ['tenant', 'subscription', 'lastUpdated'] as const) assert.equal(e[k], undefined);
  });
  test('extension_password is never mapped', () => {
    const raw = { ...fixture('extension').raw, extension_password: 'sim-canary-secret-pw' };
    const info = { ...fixture('extension-info').raw, extension_password: 'sim-canary-secret-pw' };
    assert.ok(!JSON.stringify(mapExtension('et', raw)).includes('sim-canary-secret'));
    assert.ok(!JSON.stringify(mapExtensionInfo('et', info)).includes('sim-canary-secret'));
  });
  test('times: exactly what a parse and Date#toISOString give, canonical ones taken as they are', () => {
    const slow = (t: string) => (Number.isNaN(Date.parse(t)) ? null : new Date(Date.parse(t)).toISOString());
    const cases = [
      '2024-02-29T12:00:00.000Z', '2023-02-29T12:00:00.000Z', '2024-02-30T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '2024-13-01T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '2024-01-01T23:59:60.000Z',
      '2020-03-10T17:07:19+07:00', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.5Z', 'not a time',
    ];
    for (let i = 0; i < 300; i++) cases.push(new Date(Date.UTC(1990 + (i % 60), i % 12, 1 + (i % 28), i % 24, i % 60, i % 60, i)).toISOString());
    for (const c of cases) assert.equal(toIso(c), slow(c), c);
    assert.equal(toIso(''), null);
    assert.equal(toIso(undefined), null);
  });
  test('subscription states: Z NEW, P VALID, N EXPIRED, anything else UNKNOWN', () => {
    assert.deepEqual(['Z', 'P', 'N', 'X', '', undefined].map(mapSubscriptionState), ['NEW', 'VALID', 'EXPIRED', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    const odd = mapExtension('et', { ...fixture('extension').raw, state: 'Q' });
    assert.deepEqual([odd.subscription?.state, odd.subscription?.vendorState], ['UNKNOWN', 'Q']);
  });
  test('the RPC path is the base URL plus `.Etelecom/` plus the method', () => {
    assert.equal(rpcBaseUrl('https://api.example.vn/v1/etelecom.vpbx.api'), 'https://api.example.vn/v1/etelecom.vpbx.api.Etelecom');
    assert.equal(rpcBaseUrl('https://api.example.vn/v1/etelecom.vpbx.api/'), 'https://api.example.vn/v1/etelecom.vpbx.api.Etelecom');
  });
  test('the error vocabulary', () => {
    const c = (status: number, code: string) => classifyEtelecomAnswer(status, { code, msg: 'x' })?.code;
    assert.equal(c(401, 'unauthenticated'), 'VENDOR_AUTH_FAILED');
    assert.equal(c(404, 'not_found'), 'NOT_FOUND');
    assert.equal(c(404, 'bad_route'), 'VENDOR_UNAVAILABLE');
    assert.equal(c(400, 'invalid_argument'), 'BAD_USER_INPUT');
    assert.equal(c(429, 'resource_exhausted'), 'VENDOR_RATE_LIMITED');
    // Read or write decides these, in core/http.ts.
    assert.equal(c(500, 'internal'), undefined);
    assert.equal(c(500, 'something_new'), undefined);
    assert.equal(classifyEtelecomAnswer(200, { extensions: [] }), undefined);
  });
});

const PAGE_QUERY = `query($first: Int, $after: String) {
  extensions(pbx: "${SOURCE}", first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id vendorId number sipDomain tenant lastUpdated email name
      subscription { state vendorState hotlineId userId createdAt updatedAt expiresAt } } }
  }
}`;

interface PageData {
  extensions: {
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { number: string; subscription: { state: string } | null } }[];
  };
}

describe('eTelecom end to end (1,002 extensions: 2 seeds + size 1000)', () => {
  const SIZE = 1000;
  const ALL = simNumbers(SIZE);
  let stack: TestStack;
  let sim: SimulatorHandle;
  before(async () => {
    stack = await startStack({ vendors: ['etelecom'], size: SIZE });
    sim = stack.sims.get('etelecom')!;
  });
  after(() => stack.close());

  /** Pages through the whole list with the given page sizes (the last repeats), checking each page. */
  async function pageThrough(sizes: number[]): Promise<{ numbers: string[]; pages: GqlResult<PageData>[] }> {
    const numbers: string[] = [];
    const pages: GqlResult<PageData>[] = [];
    let cursor: string | null = null;
    for (let i = 0; ; i++) {
      const first = sizes[Math.min(i, sizes.length - 1)]!;
      const r: GqlResult<PageData> = await stack.gql<PageData>(PAGE_QUERY, { first, after: cursor });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const conn = r.data!.extensions;
      pages.push(r);
      numbers.push(...conn.edges.map((e) => e.node.number));
      // hasNextPage is true exactly while numbers remain.
      assert.equal(conn.pageInfo.hasNextPage, numbers.length < ALL.length, `page ${i}: hasNextPage`);
      assert.equal(conn.pageInfo.hasPreviousPage, i > 0);
      assert.equal(conn.edges.length, Math.min(first, ALL.length - (numbers.length - conn.edges.length)));
      if (!conn.pageInfo.hasNextPage) break;
      cursor = conn.pageInfo.endCursor;
      assert.ok(i < 2000, 'paging does not end');
    }
    return { numbers, pages };
  }

  test('100 at a time: each extension exactly once, in order, hasNextPage right; one vendor call per page', async () => {
    stack.reset();
    const { numbers, pages } = await pageThrough([100]);
    assert.deepEqual(numbers, ALL);
    assert.equal(pages.length, 11);
    assert.ok(pages.every((p) => vendorCalls(p)[SOURCE] === 1));
    assert.equal(sim.requests.get(ETELECOM_SIM_CALLS.getExtensions), 11);
    assert.equal(sim.totalRequests(), 11);
    // Every call asks for 100, each after the previous page's vendor `next` cursor.
    const sent = pagingSent(sim);
    assert.ok(sent.every((p) => p.limit === 100));
    assert.equal(sent[0]!.after, undefined);
    assert.equal(new Set(sent.map((p) => p.after)).size, 11);
    assert.equal(pages[0]!.data!.extensions.totalCount, null);
  });

  test('a page size that divides the list exactly: the last full page says hasNextPage false', async () => {
    stack.reset();
    const { numbers, pages } = await pageThrough([167]); // 1002 = 6 x 167
    assert.deepEqual(numbers, ALL);
    assert.equal(pages.length, 6);
    // 167 > pageLimit (100): two vendor calls per page, never a call past the end.
    assert.equal(sim.requests.get(ETELECOM_SIM_CALLS.getExtensions), 12);
  });

  test('changing the page size between requests (cursors inside a vendor page) neither skips nor repeats', async () => {
    const { numbers } = await pageThrough([7, 50, 3, 100, 1, 250, 99, 500, 33]);
    assert.deepEqual(numbers, ALL);
  });

  test('the subscription comes with the list at no extra call; no SIP password in any answer', async () => {
    stack.reset();
    const r = await stack.gql(PAGE_QUERY, { first: 500 });
    assert.equal(r.errors, undefined);
    const [seed1001, seed1002] = r.data.extensions.edges.map((e: { node: unknown }) => e.node);
    assert.deepEqual(seed1001.subscription, {
      state: 'EXPIRED', vendorState: 'N', hotlineId: ETELECOM_SIM_HOTLINES[0], userId: '1170000000000001001',
      createdAt: '2020-03-10T10:07:19.000Z', updatedAt: '2020-03-10T10:07:19.000Z', expiresAt: '2021-03-10T10:07:19.000Z',
    });
    assert.equal(seed1002.subscription.state, 'NEW');
    assert.equal(seed1002.subscription.userId, null);
    assert.equal(seed1001.sipDomain, 'demo-shop.vpbx.etelecom.vn');
    assert.equal(seed1001.email, null);
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 5 }); // 500 at pageLimit 100
    assert.ok(!JSON.stringify(r).includes('sim-canary-secret'), 'extension_password leaked');
    assert.ok(!JSON.stringify(r).toLowerCase().includes('password'));
  });

  test('status, queues and devices: null + UNSUPPORTED_BY_VENDOR, and no vendor call for them', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 3) { edges { node { number status statusDetail { status } queues { penalty } devices { id } } } } }`);
    // One error per field for the request, at the first row that asked; every row is null.
    assert.deepEqual(codes(r), Array(4).fill('UNSUPPORTED_BY_VENDOR'));
    assert.ok(r.errors!.every((e) => e.extensions?.pbx === SOURCE));
    assert.deepEqual(r.errors!.map((e) => e.path), ['status', 'statusDetail', 'queues', 'devices'].map((f) => ['extensions', 'edges', 0, 'node', f]));
    for (const edge of r.data.extensions.edges) assert.deepEqual({ ...edge.node, number: 'x' }, { number: 'x', status: null, statusDetail: null, queues: null, devices: null });
    assert.deepEqual(r.data.extensions.edges[0].node, { number: '1001', status: null, statusDetail: null, queues: null, devices: null });
    // The list call only.
    assert.deepEqual(Object.fromEntries(sim.requests), { [ETELECOM_SIM_CALLS.getExtensions]: 1 });

    stack.reset();
    const found = await stack.gql(`{ findExtension(pbx: "${SOURCE}", number: "1002") { number status devices { id } queues { penalty } } }`);
    assert.deepEqual(codes(found), Array(3).fill('UNSUPPORTED_BY_VENDOR'));
    assert.deepEqual(Object.fromEntries(sim.requests), { [ETELECOM_SIM_CALLS.getExtensionInfo]: 1 });

    const caps = await stack.gql(`{ pbx(id: "${SOURCE}") { vendor capabilities } }`);
    assert.deepEqual(caps.data.pbx, { vendor: 'etelecom', capabilities: ['EXTENSION_CREATE', 'EXTENSION_LIST', 'EXTENSION_USER_ASSIGN', 'LOOKUP_BY_EMAIL', 'LOOKUP_BY_PHONE', 'SUBSCRIPTION'] });
  });

  test('search is unsupported (GetExtensions has no filter) and costs no call', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", search: "20") { edges { node { number } } } }`);
    assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR']);
    assert.equal(sim.totalRequests(), 0);
  });

  test('extension(id) walks the list up to the number; unknown numbers walk it all; malformed ids cost nothing', async () => {
    stack.reset();
    const r = await stack.gql(`query($a: ID!, $b: ID!) { a: extension(id: $a) { number subscription { state } } b: node(id: $b) { ... on Extension { number tenant } } }`, {
      a: extId('1001'),
      b: extId('2500'), // index 502: the sixth page of 100
    });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.a.number, '1001');
    assert.equal(r.data.a.subscription.state, 'EXPIRED');
    assert.equal(r.data.b.number, '2500');
    // Both keys in one DataLoader batch: one walk, stopped at the page holding the last key.
    assert.equal(sim.requests.get(ETELECOM_SIM_CALLS.getExtensions), 6);
    assert.equal(sim.totalRequests(), 6);

    stack.reset();
    const missing = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('99999') });
    assert.deepEqual(codes(missing), ['NOT_FOUND']);
    assert.equal(missing.errors![0]!.extensions!.pbx, SOURCE);
    assert.equal(sim.totalRequests(), 11);

    stack.reset();
    const malformed = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('12ab') });
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    assert.equal(sim.totalRequests(), 0);
  });

  test('findExtension by number, e-mail and phone: one GetExtensionInfo each; list-only fields load on demand', async () => {
    stack.reset();
    const byNumber = await stack.gql(`{ findExtension(pbx: "${SOURCE}", number: "2003") { id number sipDomain } }`);
    assert.equal(byNumber.errors, undefined);
    assert.deepEqual(byNumber.data.findExtension, { id: extId('2003'), number: '2003', sipDomain: 'demo-shop.vpbx.etelecom.vn' });
    assert.deepEqual(vendorCalls(byNumber), { [SOURCE]: 1 });
    assert.deepEqual(sim.log.map((l) => [l.path, l.body]), [['.Etelecom/GetExtensionInfo', { extension_number: '2003' }]]);

    stack.reset();
    const byEmail = await stack.gql(`{ findExtension(pbx: "${SOURCE}", email: "agent1001@demo-shop.example.vn") { number sipDomain } }`);
    assert.deepEqual(byEmail.data.findExtension, { number: '1001', sipDomain: 'demo-shop.vpbx.etelecom.vn' });
    const byPhone = await stack.gql(`{ findExtension(pbx: "${SOURCE}", phone: "0901001001") { number } }`);
    assert.deepEqual(byPhone.data.findExtension, { number: '1001' });
    assert.deepEqual(Object.fromEntries(sim.requests), { [ETELECOM_SIM_CALLS.getExtensionInfo]: 2 });

    // The info answer is partial: the subscription comes from one walk of the list (1001 is on page 1).
    stack.reset();
    const full = await stack.gql(`{ findExtension(pbx: "${SOURCE}", phone: "0901001001") { number tenant subscription { state hotlineId } } }`);
    assert.equal(full.errors, undefined);
    assert.deepEqual(full.data.findExtension, { number: '1001', tenant: '1148412345678901234', subscription: { state: 'EXPIRED', hotlineId: ETELECOM_SIM_HOTLINES[0] } });
    assert.deepEqual(Object.fromEntries(sim.requests), { [ETELECOM_SIM_CALLS.getExtensionInfo]: 1, [ETELECOM_SIM_CALLS.getExtensions]: 1 });

    stack.reset();
    const none = await stack.gql(`{ a: findExtension(pbx: "${SOURCE}", email: "nobody@example.vn") { number } b: findExtension(pbx: "${SOURCE}", number: "77777") { number } c: findExtension(pbx: "${SOURCE}", number: "abc") { number } }`);
    assert.equal(none.errors, undefined);
    assert.deepEqual(none.data, { a: null, b: null, c: null });
    assert.equal(sim.totalRequests(), 2); // "abc" is no eTelecom number: no call
  });

  test('a tampered cursor is BAD_USER_INPUT', async () => {
    const cursor = (c: string) => Buffer.from(JSON.stringify({ s: SOURCE, c }), 'utf8').toString('base64url');
    stack.reset();
    const local = await stack.gql(PAGE_QUERY, { first: 5, after: cursor('not a cursor') });
    assert.deepEqual(codes(local), ['BAD_USER_INPUT']);
    assert.equal(sim.totalRequests(), 0);
    const vendor = await stack.gql(PAGE_QUERY, { first: 5, after: cursor('3:forged') });
    assert.deepEqual(codes(vendor), ['BAD_USER_INPUT']); // the vendor's invalid_argument
    assert.equal(vendor.errors![0]!.extensions!.pbx, SOURCE);
  });
});

describe('eTelecom failures give typed errors and keep the other sources', () => {
  let stack: TestStack;
  let sim: SimulatorHandle;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'etelecom'], size: 5, sourceOverrides: { etelecom: { timeoutMs: 300 } } });
    sim = stack.sims.get('etelecom')!;
  });
  after(() => stack.close());

  const ALL_QUERY = `{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }`;

  for (const [fault, code] of [['error500', 'VENDOR_UNAVAILABLE'], ['timeout', 'VENDOR_TIMEOUT'], ['garbage', 'VENDOR_UNAVAILABLE']] as const) {
    test(`${fault}: ${code} for eTelecom, data from VitalPBX`, async () => {
      sim.setFault(fault);
      try {
        const r = await stack.gql(ALL_QUERY);
        assert.equal(r.status, 200);
        const bySource = new Set(r.data.extensions.edges.map((e: { node: { pbx: { sourceId: string } } }) => e.node.pbx.sourceId));
        assert.deepEqual([...bySource], ['vital-hq']);
        assert.deepEqual(r.errors!.map((e) => [e.extensions?.code, e.extensions?.pbx]), [[code, SOURCE]]);
        const text = JSON.stringify(r);
        assert.ok(!text.includes('sim-canary-secret'), 'vendor body leaked');
        assert.ok(!text.includes('127.0.0.1'), 'vendor URL leaked');

        // The single-extension paths fail the same way, typed.
        const one = await stack.gql(`query($id: ID!) { extension(id: $id) { number } f: findExtension(pbx: "${SOURCE}", number: "1001") { number } }`, { id: extId('1001') });
        assert.deepEqual(one.errors!.map((e) => [e.extensions?.code, e.extensions?.pbx]), [[code, SOURCE], [code, SOURCE]]);
        assert.ok(!JSON.stringify(one).includes('sim-canary-secret'));
      } finally {
        sim.setFault('none');
      }
    });
  }

  test('health reports the failing source', async () => {
    sim.setFault('error500');
    try {
      const r = await stack.gql(`{ pbxes { sourceId health { ok errorCode } } }`);
      const health = Object.fromEntries(r.data.pbxes.map((p: { sourceId: string; health: unknown }) => [p.sourceId, p.health]));
      assert.deepEqual(health[SOURCE], { ok: false, errorCode: 'VENDOR_UNAVAILABLE' });
    } finally {
      sim.setFault('none');
    }
  });
});

describe('eTelecom with a wrong API key', () => {
  let sim: SimulatorHandle;
  let gateway: Gateway;
  const gql = async (query: string) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as GqlResult;
  };
  before(async () => {
    sim = await startEtelecomSimulator({ size: 3 });
    const config = parseConfig(
      {
        server: { port: 0, host: '127.0.0.1' },
        sources: [
          { id: 'wrongkey', vendor: 'etelecom', baseUrl: sim.url, apiKey: '${ETELECOM_API_KEY}' },
          { id: 'good', vendor: 'etelecom', baseUrl: `${sim.url}/`, apiKey: ETELECOM_SIM_API_KEY, pageLimit: 2 },
        ],
      },
      VENDORS,
      { ETELECOM_API_KEY: 'nope' },
    );
    gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger() });
  });
  after(async () => {
    await gateway.stop();
    await sim.close();
  });

  test('VENDOR_AUTH_FAILED naming the source, the other source still answers', async () => {
    const r = await gql(`{ extensions(first: 50) { edges { node { number pbx { sourceId } } } } f: findExtension(pbx: "wrongkey", email: "x@y.vn") { number } }`);
    assert.deepEqual(r.errors!.map((e) => [e.extensions?.code, e.extensions?.pbx]), [['VENDOR_AUTH_FAILED', 'wrongkey'], ['VENDOR_AUTH_FAILED', 'wrongkey']]);
    // A base URL with a trailing slash and a tiny pageLimit still pages correctly.
    assert.deepEqual(r.data!.extensions.edges.map((e: { node: { number: string } }) => e.node.number), simNumbers(3));
    assert.equal(r.data!.f, null);
  });

  test('a cursor deeper into a page than the vendor answers carries the skip over to the next page', async () => {
    // "After the 3rd item from the start", read with pageLimit 2 (a page size changed since, or a vendor cap).
    const after = Buffer.from(JSON.stringify({ s: 'good', c: '3:' }), 'utf8').toString('base64url');
    const r = await gql(`{ extensions(pbx: "good", first: 5, after: "${after}") { pageInfo { hasNextPage } edges { node { number } } } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data!.extensions.edges.map((e: { node: { number: string } }) => e.node.number), simNumbers(3).slice(3));
    assert.equal(r.data!.extensions.pageInfo.hasNextPage, false);
  });
});

describe('the eTelecom simulator speaks the vendor contract', () => {
  let sim: SimulatorHandle;
  let client: EtelecomClient;
  let http: ReturnType<typeof createSourceHttp>;
  /** A raw call: the status and the parsed error (or success) body. */
  const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as { code?: string; msg?: string } });
  const post = async (method: string, body: unknown, key = ETELECOM_SIM_API_KEY) =>
    answer(await fetch(`${sim.url}.Etelecom/${method}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const status = async (p: Promise<{ status: number; body: { code?: string } }>) => {
    const r = await p;
    return [r.status, r.body.code];
  };
  before(async () => {
    sim = await startEtelecomSimulator({ size: 5 });
    http = createSourceHttp({ sourceId: 'et', baseUrl: rpcBaseUrl(sim.url), timeoutMs: 2000, headers: { authorization: `Bearer ${ETELECOM_SIM_API_KEY}` }, classify: classifyEtelecomAnswer, logger: silentLogger() });
    client = createEtelecomClient(http, 'et');
  });
  after(async () => {
    http.close();
    await sim.close();
  });

  test('Bearer key, routes and malformed requests answer `{code, msg}`', async () => {
    const noKey = await post('GetExtensions', {}, 'wrong');
    assert.equal(noKey.status, 401);
    assert.deepEqual(Object.keys(noKey.body).sort(), ['code', 'msg']);
    assert.equal(noKey.body.code, 'unauthenticated');
    const get = answer(await fetch(`${sim.url}.Etelecom/GetExtensions`, { headers: { authorization: `Bearer ${ETELECOM_SIM_API_KEY}` } }));
    assert.deepEqual(await status(get), [404, 'bad_route']);
    assert.deepEqual(await status(post('RemoveEverything', {})), [404, 'bad_route']);
    assert.deepEqual(await status(post('GetExtensions', { paging: { limit: 5000 } })), [400, 'invalid_argument']);
    assert.deepEqual(await status(post('GetExtensions', { paging: { after: 'nope' } })), [400, 'invalid_argument']);
    assert.deepEqual(await status(post('GetExtensionInfo', {})), [400, 'invalid_argument']);
    assert.deepEqual(await status(post('GetExtensionInfo', { extension_number: '4242' })), [404, 'not_found']);
  });

  test('cursor paging: next/prev name page edges, empty at the ends; before pages backwards', async () => {
    const p1 = await client.getExtensions({ limit: 3 });
    assert.deepEqual(p1.extensions.map((x) => x.extension_number), ['1001', '1002', '2000']);
    assert.equal(p1.paging?.prev, '');
    const p2 = await client.getExtensions({ after: p1.paging!.next!, limit: 3 });
    assert.deepEqual(p2.extensions.map((x) => x.extension_number), ['2001', '2002', '2003']);
    const p3 = await client.getExtensions({ after: p2.paging!.next!, limit: 3 });
    assert.deepEqual(p3.extensions.map((x) => x.extension_number), ['2004']);
    assert.equal(p3.paging?.next, '');
    const back = await client.getExtensions({ before: p2.paging!.prev!, limit: 2 });
    assert.deepEqual(back.extensions.map((x) => x.extension_number), ['1002', '2000']);
    // The info view carries exactly the documented fields.
    const info = await client.getExtensionInfo({ extension_number: '2001' });
    assert.deepEqual(Object.keys(info).sort(), ['expires_at', 'extension_number', 'extension_password', 'tenant_domain']);
  });

  test('CreateExtension validates, answers the new record (state Z, a SIP password) and lists it last', async () => {
    assert.deepEqual(await status(post('CreateExtension', { extension_number: '3001', hotline_id: ETELECOM_SIM_HOTLINES[0] })), [400, 'invalid_argument']);
    await assert.rejects(client.createExtension({ extension_number: 3001.5, hotline_id: ETELECOM_SIM_HOTLINES[0] }), (e: unknown) => e instanceof PbxError && e.code === 'BAD_USER_INPUT');
    await assert.rejects(client.createExtension({ extension_number: 3001 } as never), (e: unknown) => e instanceof PbxError && e.code === 'BAD_USER_INPUT');
    await assert.rejects(client.createExtension({ extension_number: 3001, hotline_id: '42' }), (e: unknown) => e instanceof PbxError && e.code === 'NOT_FOUND');

    const made = await client.createExtension({ extension_number: 3001, hotline_id: ETELECOM_SIM_HOTLINES[2], user_id: '1170000000000009999' });
    assert.equal(made.extension_number, '3001');
    assert.equal(made.state, 'Z');
    assert.ok(made.extension_password && made.tenant_domain && made.expires_at);
    const mapped = mapExtension('et', made);
    assert.deepEqual([mapped.subscription?.state, mapped.subscription?.hotlineId, mapped.subscription?.userId], ['NEW', ETELECOM_SIM_HOTLINES[2], '1170000000000009999']);
    assert.ok(!JSON.stringify(mapped).includes(made.extension_password!));
    await assert.rejects(client.createExtension({ extension_number: 3001, hotline_id: ETELECOM_SIM_HOTLINES[0] }), (e: unknown) => e instanceof PbxError && e.code === 'BAD_USER_INPUT');

    const all = await client.getExtensions({ limit: 100 });
    assert.equal(all.extensions.at(-1)?.extension_number, '3001');
    assert.equal((await client.getExtensionInfo({ extension_number: '3001' })).extension_password, made.extension_password);
  });

  test('a failed CreateExtension is UPSTREAM_OUTCOME_UNKNOWN (not retried), a failed read VENDOR_UNAVAILABLE', async () => {
    sim.setFault('error500');
    sim.resetCounters();
    try {
      await assert.rejects(client.createExtension({ extension_number: 3002, hotline_id: ETELECOM_SIM_HOTLINES[0] }), (e: unknown) => e instanceof PbxError && e.code === 'UPSTREAM_OUTCOME_UNKNOWN');
      await assert.rejects(client.getExtensions({ limit: 1 }), (e: unknown) => e instanceof PbxError && e.code === 'VENDOR_UNAVAILABLE');
      assert.equal(sim.requests.get(ETELECOM_SIM_CALLS.createExtension), 1);
    } finally {
      sim.setFault('none');
    }
  });
});
