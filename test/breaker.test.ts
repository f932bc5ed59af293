import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BREAKER, parseConfig } from '../src/core/config.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { codes, startStack, vendorCalls, type GqlResult, type TestStack } from './helpers.ts';

/**
 * The per-source circuit breaker (src/core/http.ts, opossum), over real HTTP against the simulators:
 * a failing vendor stops being called, its part of an answer fails at once, one trial call goes out
 * per `openMs`, and a successful trial closes the circuit. Answers that are not outages (refused
 * credentials) never open it.
 */
const OPEN_MS = 300;
const VITAL = 'vital-hq';
const ETEL = 'etelecom-demo';
const LIST = (pbx: string) => `{ extensions(pbx: "${pbx}", first: 5) { edges { node { number } } } }`;

describe('circuit breaker', () => {
  let stack: TestStack;
  const metrics = async () => (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
  const metric = (text: string, name: string, source: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{source="${source}"}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  const vitalSim = () => stack.sims.get('vitalpbx')!;
  const sent = () => vitalSim().totalRequests();

  before(async () => {
    stack = await startStack({
      vendors: ['vitalpbx', 'etelecom'],
      sourceOverrides: {
        // No list cache: every query is one vendor call, so the counts below are the breaker's.
        vitalpbx: { listCacheMs: 0, breaker: { minCalls: 3, failurePercent: 50, windowMs: 10_000, openMs: OPEN_MS } },
        etelecom: { apiKey: 'not-the-key', breaker: { minCalls: 2, failurePercent: 50, windowMs: 10_000, openMs: OPEN_MS } },
      },
    });
  });
  after(async () => {
    vitalSim().setFault('none');
    await stack.close();
  });

  test('defaults: every source has one unless the config says false', () => {
    const vital = { id: 'hq', vendor: 'vitalpbx', baseUrl: 'http://pbx.example/api/v2', appKey: 'k', tenant: '1' };
    assert.deepEqual(parseConfig({ sources: [vital] }, VENDORS, {}).sources[0]!.breaker, DEFAULT_BREAKER);
    assert.equal(parseConfig({ sources: [{ ...vital, breaker: false }] }, VENDORS, {}).sources[0]!.breaker, false);
    assert.deepEqual(parseConfig({ sources: [{ ...vital, breaker: { openMs: 2000 } }] }, VENDORS, {}).sources[0]!.breaker, { ...DEFAULT_BREAKER, openMs: 2000 });
  });

  test('a failing vendor opens the circuit: no call is sent, its part fails at once, the state is in /metrics', async () => {
    const healthy = await stack.gql(LIST(VITAL));
    assert.equal(healthy.errors, undefined);
    assert.deepEqual(vendorCalls(healthy), { [VITAL]: 1 });

    vitalSim().setFault('error500');
    // One success and two failures in the window: 3 calls (minCalls), 67 % failed (> 50 %): open.
    for (let i = 0; i < 2; i++) {
      const r = await stack.gql(LIST(VITAL));
      assert.deepEqual(codes(r), ['VENDOR_UNAVAILABLE']);
      assert.deepEqual(vendorCalls(r), { [VITAL]: 1 }, `failure ${i + 1} is a vendor call`);
    }
    const before = sent();
    const open = await stack.gql(LIST(VITAL));
    assert.equal(sent(), before, 'no call reached the vendor');
    assert.deepEqual(vendorCalls(open), {});
    assert.equal(open.data.extensions, null);
    assert.deepEqual(codes(open), ['VENDOR_UNAVAILABLE']);
    assert.equal(open.errors![0]!.extensions?.pbx, VITAL);
    assert.match(open.errors![0]!.message, /^vital-hq: the vendor API has been failing; calls to it are paused for up to 1 s$/);
    assert.equal(stack.logLines.filter((l) => l.includes('circuit opened') && l.includes(VITAL)).length, 1, 'the opening is logged once');

    const m = await metrics();
    assert.equal(metric(m, 'pbxgraph_vendor_circuit_state', VITAL), 1);
    assert.equal(metric(m, 'pbxgraph_vendor_calls_rejected_total', VITAL), 1);
  });

  test('after openMs one trial call goes out while the others fail at once; a failed trial reopens', async () => {
    await sleep(OPEN_MS + 50);
    const before = sent();
    const answers: GqlResult[] = await Promise.all([stack.gql(LIST(VITAL)), stack.gql(LIST(VITAL)), stack.gql(LIST(VITAL))]);
    assert.equal(sent() - before, 1, 'one trial call');
    for (const r of answers) assert.deepEqual(codes(r), ['VENDOR_UNAVAILABLE']);
    assert.deepEqual(answers.map((r) => vendorCalls(r)[VITAL] ?? 0).sort(), [0, 0, 1]);
    // The trial failed: open again, nothing sent.
    const again = await stack.gql(LIST(VITAL));
    assert.equal(sent() - before, 1);
    assert.deepEqual(codes(again), ['VENDOR_UNAVAILABLE']);
  });

  test('a successful trial closes the circuit and calls resume', async () => {
    vitalSim().setFault('none');
    await sleep(OPEN_MS + 50);
    const trial = await stack.gql(LIST(VITAL));
    assert.equal(trial.errors, undefined);
    assert.equal(trial.data.extensions.edges.length, 5);
    assert.deepEqual(vendorCalls(trial), { [VITAL]: 1 });
    const next = await stack.gql(LIST(VITAL));
    assert.equal(next.errors, undefined);
    assert.deepEqual(vendorCalls(next), { [VITAL]: 1 });
    assert.equal(metric(await metrics(), 'pbxgraph_vendor_circuit_state', VITAL), 0);
    assert.ok(stack.logLines.some((l) => l.includes('circuit closed') && l.includes(VITAL)));
  });

  test('refused credentials are an answer, not an outage: every call is still sent', async () => {
    const etel = stack.sims.get('etelecom')!;
    const before = etel.totalRequests();
    for (let i = 0; i < 5; i++) assert.deepEqual(codes(await stack.gql(LIST(ETEL))), ['VENDOR_AUTH_FAILED']);
    assert.equal(etel.totalRequests() - before, 5);
    const m = await metrics();
    assert.equal(metric(m, 'pbxgraph_vendor_circuit_state', ETEL), 0, 'still closed');
    assert.equal(metric(m, 'pbxgraph_vendor_calls_rejected_total', ETEL), undefined, 'nothing refused');
  });
});
