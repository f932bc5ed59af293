import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { SimulatorHandle } from '../../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../../src/server/app.ts';
import { mapCdrSummary, mapDevice, mapExtension, mapQueues, mapVoicemailRecords } from '../../src/vendors/vitalpbx/mappers.ts';
import { startVitalSimulator, VITAL_SIM_APP_KEY } from '../../src/vendors/vitalpbx/simulator.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { codes, startStack, vendorCalls, type TestStack } from '../helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/vitalpbx/${name}.json`, import.meta.url), 'utf8'));

describe('VitalPBX contract: each doc example maps to the expected domain object', () => {
  test('GET /extensions item', () => {
    const f = fixture('extension');
    assert.deepEqual(mapExtension(f.sourceId, f.raw), f.expected);
  });
  test('GET /extensions/{id}/devices item (the secret is not mapped)', () => {
    const f = fixture('devices');
    const d = mapDevice(f.sourceId, f.raw);
    assert.deepEqual(d, f.expected);
    assert.ok(!JSON.stringify(d).includes(f.raw.secret));
  });
  test('GET /extensions/{id}/queues', () => {
    const f = fixture('queues');
    assert.deepEqual(mapQueues(f.sourceId, f.raw), f.expected);
  });
  test('GET /extensions/{id}/cdr_summary', () => {
    const f = fixture('cdr-summary');
    assert.deepEqual(mapCdrSummary(f.raw), f.expected);
  });
  test('GET /extensions/{id}/voicemail_records', () => {
    const f = fixture('voicemail-records');
    assert.deepEqual(mapVoicemailRecords(f.raw), f.expected);
  });
});

const LIST_QUERY = `query($first: Int, $after: String) {
  extensions(pbx: "vital-hq", first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id number name devices { id technology } queues { queue { name } penalty } } }
  }
}`;

describe('VitalPBX end to end', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 100 });
  });
  after(() => stack.close());

  test('a page with devices and queues costs one vendor call, however many pages', async () => {
    stack.reset();
    const sim = stack.sims.get('vitalpbx')!;
    const first = await stack.gql(LIST_QUERY, { first: 25 });
    assert.equal(first.errors, undefined);
    assert.equal(first.data.extensions.edges.length, 25);
    assert.equal(first.data.extensions.totalCount, 103);
    assert.deepEqual(vendorCalls(first), { 'vital-hq': 1 });
    assert.equal(sim.requests.get('GET /extensions'), 1);
    assert.equal(sim.totalRequests(), 1);
    const doc = first.data.extensions.edges[0].node;
    assert.deepEqual(doc.queues, [{ queue: { name: 'Q500' }, penalty: 0 }]);
    assert.deepEqual(doc.devices.map((d: { technology: string }) => d.technology), ['SIP']);
  });

  test('pages follow each other without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: any = await stack.gql(LIST_QUERY, { first: 40, after });
      assert.equal(r.errors, undefined);
      seen.push(...r.data.extensions.edges.map((e: { node: { number: string } }) => e.node.number));
      if (!r.data.extensions.pageInfo.hasNextPage) break;
      after = r.data.extensions.pageInfo.endCursor;
    }
    assert.equal(seen.length, 103);
    assert.equal(new Set(seen).size, 103);
  });

  test('node(id) and extension(id) round-trip a global id', async () => {
    const list = await stack.gql(`{ extensions(pbx: "vital-hq", first: 2) { edges { node { id number } } } }`);
    const { id, number } = list.data.extensions.edges[1].node;
    const r = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on Extension { number pbx { sourceId vendor } } } extension(id: $id) { id number } }`, { id });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.node.id, id);
    assert.equal(r.data.node.number, number);
    assert.deepEqual(r.data.node.pbx, { sourceId: 'vital-hq', vendor: 'vitalpbx' });
    assert.equal(r.data.extension.number, number);
  });

  test('a single extension with everything: devices, queues, voicemail messages, call statistics', async () => {
    stack.reset();
    const id = Buffer.from('Extension:vital-hq:3').toString('base64url');
    const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number voicemail { mailbox messages { folder callerId durationSeconds } } callStatistics { local } devices { id } queues { penalty } } }`, { id });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extension.number, '2000');
    assert.deepEqual(r.data.extension.voicemail.messages.map((m: { folder: string }) => m.folder), ['INBOX', 'Old']);
    // get + voicemail_records + cdr_summary; devices and queues come primed from the get answer.
    assert.deepEqual(vendorCalls(r), { 'vital-hq': 3 });
  });

  test('unknown and malformed ids', async () => {
    const missing = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: Buffer.from('Extension:vital-hq:9999').toString('base64url') });
    assert.deepEqual(codes(missing), ['NOT_FOUND']);
    assert.equal(missing.errors![0]!.extensions!.pbx, 'vital-hq');
    stack.reset();
    const malformed = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: Buffer.from('Extension:vital-hq:abc').toString('base64url') });
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    const garbage = await stack.gql(`{ extension(id: "%%%") { number } }`);
    assert.deepEqual(codes(garbage), ['BAD_USER_INPUT']);
    assert.equal(stack.sims.get('vitalpbx')!.totalRequests(), 0);
  });

  test('a field VitalPBX cannot give is null with UNSUPPORTED_BY_VENDOR and costs no call', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "vital-hq", first: 2) { edges { node { number e911 { city } } } } }`);
    // One error for the field per request (at the first row); every row is null.
    assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR']);
    assert.deepEqual(r.errors![0]!.path, ['extensions', 'edges', 0, 'node', 'e911']);
    assert.deepEqual(r.data.extensions.edges.map((e: any) => e.node.e911), [null, null]);
    // At most the (cached) list itself: nothing per extension.
    assert.ok([...stack.sims.get('vitalpbx')!.requests.keys()].every((k) => k === 'GET /extensions'));
  });
});

describe('VitalPBX failures give typed errors and keep the other sources', () => {
  let good: SimulatorHandle;
  let bad: SimulatorHandle;
  let gateway: Gateway;
  const gql = async (query: string) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: res.status, text: await res.clone().text(), ...((await res.json()) as object) } as any;
  };
  before(async () => {
    good = await startVitalSimulator({ size: 5 });
    bad = await startVitalSimulator({ size: 5 });
    const config = parseConfig(
      {
        server: { port: 0, host: '127.0.0.1' },
        sources: [
          { id: 'flaky', vendor: 'vitalpbx', baseUrl: bad.url, appKey: VITAL_SIM_APP_KEY, tenant: '1', timeoutMs: 300, listCacheMs: 0 },
          { id: 'good', vendor: 'vitalpbx', baseUrl: good.url, appKey: VITAL_SIM_APP_KEY, tenant: '2' },
          { id: 'wrongkey', vendor: 'vitalpbx', baseUrl: good.url, appKey: 'nope', tenant: '1' },
        ],
      },
      VENDORS,
      {},
    );
    gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger() });
  });
  after(async () => {
    await gateway.stop();
    await good.close();
    await bad.close();
  });

  for (const [fault, code] of [['error500', 'VENDOR_UNAVAILABLE'], ['timeout', 'VENDOR_TIMEOUT'], ['garbage', 'VENDOR_UNAVAILABLE']] as const) {
    test(`${fault}: ${code} for the failing source, data from the others`, async () => {
      bad.setFault(fault);
      try {
        const r = await gql(`{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }`);
        assert.equal(r.status, 200);
        const bySource = new Set(r.data.extensions.edges.map((e: any) => e.node.pbx.sourceId));
        assert.deepEqual([...bySource], ['good']);
        const errs = r.errors.map((e: any) => [e.extensions.code, e.extensions.pbx]);
        assert.deepEqual(errs, [[code, 'flaky'], ['VENDOR_AUTH_FAILED', 'wrongkey']]);
        assert.ok(!r.text.includes('sim-canary-secret'), 'vendor body leaked');
        assert.ok(!r.text.includes('127.0.0.1'), 'vendor URL leaked');
        assert.ok(!r.text.includes('stacktrace'));
      } finally {
        bad.setFault('none');
      }
    });
  }

  test('a wrong app-key is VENDOR_AUTH_FAILED naming the source', async () => {
    const r = await gql(`{ extensions(pbx: "wrongkey") { edges { node { number } } } good: extensions(pbx: "good", first: 1) { edges { node { number } } } }`);
    assert.equal(r.data.extensions, null);
    assert.equal(r.data.good.edges.length, 1);
    assert.deepEqual(r.errors.map((e: any) => [e.extensions.code, e.extensions.pbx]), [['VENDOR_AUTH_FAILED', 'wrongkey']]);
  });

  test('the simulator enforces tenant and app-key like the vendor', async () => {
    const noKey = await fetch(`${good.url}/extensions`, { headers: { tenant: '1' } });
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as any).status, 'failure');
    const noTenant = await fetch(`${good.url}/extensions`, { headers: { 'app-key': VITAL_SIM_APP_KEY, tenant: '9' } });
    assert.equal(noTenant.status, 404);
    const t2: any = await (await fetch(`${good.url}/extensions`, { headers: { 'app-key': VITAL_SIM_APP_KEY, tenant: '2' } })).json();
    assert.ok(t2.data.every((x: any) => x.tenant_id === 2));
  });
});
