import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventQueue } from '../src/live/hub.ts';
import { startStack, type TestStack } from './helpers.ts';
import { collect, liveClient, served, sleep, waitFor, type LiveClient } from './live-helpers.ts';

const INTERVAL = 150;
const fast = { watchIntervalMs: INTERVAL };

const STATUS = `subscription S($pbx: ID, $numbers: [String!]) {
  extensionStatusChanged(pbx: $pbx, numbers: $numbers) {
    extension { id number name status pbx { sourceId } }
    status previousStatus statusDetail { status vendorStatus } at
  }
}`;

describe('extensionStatusChanged', () => {
  let stack: TestStack;
  const clients: LiveClient[] = [];
  before(async () => {
    stack = await startStack({ vendors: ['portsip', 'portal', 'telecomx'], sourceOverrides: { portsip: fast, portal: fast, telecomx: fast } });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await stack.close();
  });

  test('a status change reaches every subscriber of it exactly once, with the previous and new status; nobody else', async () => {
    const portsip = stack.sims.get('portsip')!;
    const portal = stack.sims.get('portal')!;
    const telecomx = stack.sims.get('telecomx')!;
    const c1 = liveClient(stack.gateway);
    const c2 = liveClient(stack.gateway);
    clients.push(c1, c2);
    const a1 = collect(c1, STATUS, { pbx: 'portsip-demo', numbers: ['1000'] });
    const a2 = collect(c2, STATUS, { pbx: 'portsip-demo', numbers: ['1000'] });
    const everywhere1000 = collect(c2, STATUS, { numbers: ['1000'] });
    const otherNumber = collect(c1, STATUS, { pbx: 'portsip-demo', numbers: ['1001'] });
    const otherSource = collect(c1, STATUS, { pbx: 'portal-demo' });
    const telecom = collect(c2, STATUS, { pbx: 'telecomx-demo' });
    // Each watcher's first poll is its baseline; the change comes after it.
    await waitFor(() => served(portsip.requests, 'extensions/status') > 0 && served(portal.requests, 'get/extensions') > 0 && served(telecomx.requests, '/pbx/extension') > 0, 5000, 'first polls');
    await sleep(INTERVAL);

    portsip.setStatus!('1000', 'ON_CALL');
    await waitFor(() => a1.events.length > 0 && a2.events.length > 0 && everywhere1000.events.length > 0, INTERVAL + 1000, 'the PortSIP event');
    await sleep(INTERVAL * 3);
    for (const sub of [a1, a2, everywhere1000]) {
      assert.deepEqual(sub.errors, []);
      assert.equal(sub.events.length, 1);
      const e = sub.events[0].extensionStatusChanged;
      assert.equal(e.previousStatus, 'AVAILABLE');
      assert.equal(e.status, 'ON_CALL');
      assert.deepEqual(e.statusDetail, { status: 'ON_CALL', vendorStatus: 'ON_CALL' });
      // The extension resolves like any query's, with the new status.
      assert.equal(e.extension.number, '1000');
      assert.equal(e.extension.status, 'ON_CALL');
      assert.equal(e.extension.pbx.sourceId, 'portsip-demo');
      assert.ok(!Number.isNaN(Date.parse(e.at)));
    }
    assert.equal(otherNumber.events.length, 0);
    assert.equal(otherSource.events.length, 0);
    assert.equal(telecom.events.length, 0);

    // The list-carrying vendors: Point VoIP's registration flag and Telecom X's phones.
    portal.setStatus!('1000', 'OFFLINE');
    telecomx.setStatus!('592', 'OFFLINE');
    await waitFor(() => otherSource.events.length > 0 && telecom.events.length > 0, INTERVAL + 1000, 'the portal and Telecom X events');
    await sleep(INTERVAL * 3);
    assert.equal(otherSource.events.length, 1);
    assert.deepEqual(
      [otherSource.events[0].extensionStatusChanged.previousStatus, otherSource.events[0].extensionStatusChanged.status, otherSource.events[0].extensionStatusChanged.extension.number],
      ['AVAILABLE', 'OFFLINE', '1000'],
    );
    assert.equal(telecom.events.length, 1);
    assert.equal(telecom.events[0].extensionStatusChanged.status, 'OFFLINE');
    assert.equal(telecom.events[0].extensionStatusChanged.extension.name, 'Donald Duck');
    // Number 1000 on every source: the portal's 1000 changed too, PortSIP's did not change again.
    assert.deepEqual(everywhere1000.events.map((e) => [e.extensionStatusChanged.extension.pbx.sourceId, e.extensionStatusChanged.status]), [['portsip-demo', 'ON_CALL'], ['portal-demo', 'OFFLINE']]);
    assert.equal(a1.events.length, 1);
    for (const s of [a1, a2, everywhere1000, otherNumber, otherSource, telecom]) s.stop();
  });

  test('an event answers like a query: a field the vendor lacks is null with its UNSUPPORTED_BY_VENDOR error', async () => {
    const portsip = stack.sims.get('portsip')!;
    const c = liveClient(stack.gateway);
    clients.push(c);
    const sub = collect(c, 'subscription { extensionStatusChanged(pbx: "portsip-demo", numbers: ["1001"]) { extension { number devices { id } } status } }');
    portsip.resetCounters();
    await waitFor(() => served(portsip.requests, 'extensions/status') > 0, 5000, 'the baseline poll');
    await sleep(INTERVAL);
    portsip.setStatus!('1001', 'AWAY');
    await waitFor(() => sub.events.length > 0, INTERVAL + 1000, 'the event');
    assert.deepEqual(sub.events[0], { extensionStatusChanged: { extension: { number: '1001', devices: null }, status: 'AWAY' } });
    assert.equal(sub.errors.length, 1);
    assert.equal(sub.errors[0].extensions.code, 'UNSUPPORTED_BY_VENDOR');
    assert.deepEqual(sub.errors[0].path, ['extensionStatusChanged', 'extension', 'devices']);
    sub.stop();
  });
});

describe('vendor calls', () => {
  test("a watched source's fresh list serves the queries in between", async () => {
    // Point VoIP's list carries status and is cached for listCacheMs: longer than the interval here.
    const stack = await startStack({ vendors: ['portal'], sourceOverrides: { portal: { ...fast, listCacheMs: 60_000 } } });
    const sim = stack.sims.get('portal')!;
    const client = liveClient(stack.gateway);
    try {
      const sub = collect(client, STATUS, { pbx: 'portal-demo' });
      await waitFor(() => sim.totalRequests() >= 3, 5000, 'three polls');
      const polls = sim.totalRequests();
      assert.ok(polls >= 3, 'each poll asks the vendor afresh, whatever the cache holds');
      stack.reset();
      const r = await stack.gql('{ extensions(pbx: "portal-demo", first: 5) { edges { node { number status } } } }');
      assert.equal(r.errors, undefined);
      assert.equal(r.data.extensions.edges.length, 5);
      // Answered from the list the last poll left in the cache: no call of the query's own.
      assert.deepEqual((r.extensions as { vendorCalls: Record<string, number> }).vendorCalls, {});
      sub.stop();
    } finally {
      await client.dispose();
      await stack.close();
    }
  });

  test('no subscriber: no calls; 1 and 200 subscribers: the same calls per interval', async () => {
    const stack = await startStack({ vendors: ['portsip'], sourceOverrides: { portsip: fast } });
    const sim = stack.sims.get('portsip')!;
    const clients: LiveClient[] = [];
    try {
      stack.reset();
      await sleep(INTERVAL * 4);
      assert.equal(sim.totalRequests(), 0, 'no subscriber, no poll');

      /** Vendor calls in a window of `intervals` intervals, once the first poll (login, list) is done. */
      const window = async (intervals: number) => {
        await waitFor(() => served(sim.requests, 'extensions/status') > 0, 5000, 'first poll');
        await sleep(INTERVAL);
        stack.reset();
        await sleep(INTERVAL * intervals);
        return new Map(sim.requests);
      };
      const one = liveClient(stack.gateway);
      clients.push(one);
      const single = collect(one, STATUS, { pbx: 'portsip-demo' });
      const withOne = await window(8);
      single.stop();
      await sleep(INTERVAL * 2);
      stack.reset();
      await sleep(INTERVAL * 3);
      assert.equal(sim.totalRequests(), 0, 'the last subscriber gone, polling stops');

      const many: ReturnType<typeof collect>[] = [];
      for (let i = 0; i < 20; i++) {
        const c = liveClient(stack.gateway);
        clients.push(c);
        for (let j = 0; j < 10; j++) many.push(collect(c, STATUS, { pbx: 'portsip-demo' }));
      }
      const withMany = await window(8);
      // One status batch per interval, nothing else, for 1 and for 200 (timer jitter: one either way).
      assert.deepEqual([...withOne.keys()], ['POST /extensions/status']);
      assert.deepEqual([...withMany.keys()], ['POST /extensions/status']);
      const [a, b] = [withOne.get('POST /extensions/status')!, withMany.get('POST /extensions/status')!];
      assert.ok(Math.abs(a - b) <= 1, `1 subscriber: ${a} calls, 200 subscribers: ${b} calls`);
      assert.ok(a >= 6 && a <= 9, `about one call per interval (${a} in 8)`);
      for (const s of many) assert.deepEqual(s.errors, []);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await stack.close();
    }
  });
});

describe('socket security and limits', () => {
  const keys = [
    { name: 'portsip-only', key: 'portsip-only-key-0123456789', scopes: ['read'], sources: ['portsip-demo'] },
    { name: 'everything', key: 'everything-key-0123456789ab', scopes: ['read'] },
  ];
  let stack: TestStack;
  before(async () => {
    stack = await startStack({
      vendors: ['portsip', 'portal'],
      sourceOverrides: { portsip: fast, portal: fast },
      extraConfig: { apiKeys: keys, live: { maxSubscriptionsPerKey: 3 } },
    });
  });
  after(() => stack.close());

  test('a key limited to one source cannot subscribe to another: NOT_FOUND, no vendor call', async () => {
    stack.reset();
    const c = liveClient(stack.gateway, { apiKey: keys[0]!.key });
    try {
      const s = collect(c, STATUS, { pbx: 'portal-demo' });
      await waitFor(() => s.errors.length > 0, 3000, 'the error');
      assert.equal(s.errors[0].extensions.code, 'NOT_FOUND');
      assert.deepEqual(s.events, []);
      await sleep(INTERVAL * 3);
      assert.equal(stack.sims.get('portal')!.totalRequests(), 0);
    } finally {
      await c.dispose();
    }
  });

  test('no key, or a wrong one: the connection is refused (4403) and nothing is polled', async () => {
    stack.reset();
    for (const params of [undefined, { apiKey: 'not-a-key-of-this-gateway' }]) {
      const c = liveClient(stack.gateway, params);
      const s = collect(c, STATUS, { pbx: 'portsip-demo' });
      await waitFor(() => c.closed.length > 0, 3000, 'the refusal');
      assert.equal(c.closed[0], 4403);
      assert.deepEqual(s.events, []);
      await c.dispose();
    }
    await sleep(INTERVAL * 2);
    assert.equal(stack.sims.get('portsip')!.totalRequests(), 0);
  });

  test('a key sees its own sources only, has a cap on open subscriptions, and queries stay on HTTP', async () => {
    const c = liveClient(stack.gateway, { apiKey: keys[0]!.key });
    try {
      const subs = [0, 1, 2].map(() => collect(c, STATUS));
      await waitFor(() => served(stack.sims.get('portsip')!.requests, 'extensions/status') > 0, 3000, 'a poll');
      const fourth = collect(c, STATUS);
      await waitFor(() => fourth.errors.length > 0, 3000, 'the cap');
      assert.equal(fourth.errors[0].extensions.code, 'FORBIDDEN');
      // Omitting pbx means every source the key can see: the portal is not polled for it.
      assert.equal(stack.sims.get('portal')!.totalRequests(), 0);
      const q = collect(c, '{ pbxes { sourceId } }');
      await waitFor(() => q.errors.length > 0, 3000, 'the refusal of a query');
      assert.match(String(q.errors[0].message), /only subscriptions/);
      for (const s of subs) s.stop();
      // A closed subscription frees its place.
      await sleep(50);
      const again = collect(c, STATUS);
      await sleep(100);
      assert.deepEqual(again.errors, []);
      again.stop();
    } finally {
      await c.dispose();
    }
  });
});

describe('pbxHealthChanged and shutdown', () => {
  test('a source going down and coming back; the gateway closes sockets with 1001 when it stops', async () => {
    const stack = await startStack({
      vendors: ['portal'],
      sourceOverrides: { portal: { ...fast, listCacheMs: 0, breaker: { minCalls: 2, failurePercent: 50, windowMs: 2000, openMs: 300 } } },
    });
    const c = liveClient(stack.gateway);
    try {
      const health = collect(c, 'subscription { pbxHealthChanged { pbx { sourceId } up state at } }');
      await sleep(100);
      const sim = stack.sims.get('portal')!;
      sim.setFault('error500');
      for (let i = 0; i < 4; i++) await stack.gql('{ extensions(pbx: "portal-demo", first: 5) { edges { node { number } } } }');
      await waitFor(() => health.events.length >= 1, 3000, 'the open event');
      assert.deepEqual(health.events[0].pbxHealthChanged.state, 'OPEN');
      assert.equal(health.events[0].pbxHealthChanged.up, false);
      sim.setFault('none');
      await sleep(400);
      await stack.gql('{ extensions(pbx: "portal-demo", first: 5) { edges { node { number } } } }');
      await waitFor(() => health.events.some((e) => e.pbxHealthChanged.state === 'CLOSED'), 3000, 'the close event');
      assert.deepEqual(health.events.map((e) => e.pbxHealthChanged.state), ['OPEN', 'HALF_OPEN', 'CLOSED']);
      assert.equal(health.events.at(-1).pbxHealthChanged.up, true);
      assert.equal(health.events[0].pbxHealthChanged.pbx.sourceId, 'portal-demo');
    } finally {
      await stack.close();
      await waitFor(() => c.closed.length > 0, 3000, 'the close');
      assert.equal(c.closed[0], 1001);
      await c.dispose();
    }
  });
});

test('a subscriber that does not keep up is dropped, not queued without bound', async () => {
  let dropped = 0;
  let cleaned = 0;
  const q = new EventQueue<number>(3, () => dropped++, () => cleaned++);
  for (let i = 0; i < 3; i++) q.push(i);
  assert.equal(dropped, 0);
  q.push(3);
  assert.equal(dropped, 1);
  assert.equal(cleaned, 1);
  assert.equal(q.done, true);
  assert.deepEqual(await q.next(), { value: undefined, done: true });
});

test('a subscription sent over HTTP is told to use the WebSocket', async () => {
  const stack = await startStack({ vendors: ['portal'] });
  try {
    const r = await stack.gql('subscription { pbxHealthChanged { up } }');
    assert.equal(r.status, 400);
    assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_REQUEST');
    assert.match(r.errors![0]!.message, /WebSocket/);
    assert.equal(stack.sims.get('portal')!.totalRequests(), 0);
  } finally {
    await stack.close();
  }
});
