import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/core/config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createAdapters } from '../../src/server/app.ts';
import { tokenLifetime } from '../../src/vendors/telecomx/adapter.ts';
import { classifyTelecomxAnswer, TOKEN_REJECTED } from '../../src/vendors/telecomx/client.ts';
import { PbxError } from '../../src/core/errors.ts';
import type { ForwardingRuleInput } from '../../src/core/writes.ts';
import { forwardingBlocks } from '../../src/vendors/telecomx/forwarding.ts';
import { mapExtension, mapForwarding, statusFromPhones } from '../../src/vendors/telecomx/mappers.ts';
import { TELECOMX_SIM, type TelecomxSimulatorHandle } from '../../src/vendors/telecomx/simulator.ts';
import type { TxPhone } from '../../src/vendors/telecomx/types.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { codes, startStack, vendorCalls, type GqlResult, type TestStack } from '../helpers.ts';

const SOURCE = 'telecomx-demo';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/telecomx/${name}.json`, import.meta.url), 'utf8'));
/** What a domain object looks like on the wire: `undefined` (not in this answer) keys dropped. */
const wire = (v: unknown) => JSON.parse(JSON.stringify(v));
const extId = (vendorId: string) => Buffer.from(`Extension:${SOURCE}:${vendorId}`).toString('base64url');
const simOf = (stack: TestStack) => stack.sims.get('telecomx') as TelecomxSimulatorHandle;
const node = (r: GqlResult, number: string) => r.data.extensions.edges.map((e: any) => e.node).find((n: any) => n.number === number);

describe('Telecom X contract: each doc example maps to the expected domain object', () => {
  test('GET /pbx/extension/ID example, verbatim', () => {
    const f = fixture('extension');
    const ext = mapExtension(f.sourceId, f.raw);
    assert.deepEqual(wire(ext), f.expected);
    // No includePhones in the answer: status and devices are "not carried" (undefined), not "none".
    assert.equal(ext.status, undefined);
    assert.equal(ext.devices, undefined);
  });
  test('with expandGoto and includePhones: goto targets, phones of each type, status from phones', () => {
    const f = fixture('extension-expanded');
    assert.deepEqual(wire(mapExtension(f.sourceId, f.raw)), f.expected);
  });
  test('PERSONAL view of another person: restricted, nulls, never partial', () => {
    const f = fixture('extension-restricted');
    assert.deepEqual(wire(mapExtension(f.sourceId, f.raw)), f.expected);
  });
  test('status from phones', () => {
    const p = (online: boolean, dnd: boolean): TxPhone => ({ _id: 'x', type: 'SIP', online, dnd });
    assert.equal(statusFromPhones([]).status, 'OFFLINE');
    assert.equal(statusFromPhones([p(false, false), p(false, true)]).status, 'OFFLINE');
    assert.equal(statusFromPhones([p(true, true), p(false, false)]).status, 'DND');
    assert.equal(statusFromPhones([p(true, true), p(true, false)]).status, 'AVAILABLE');
  });
  test('login lifetime: minutes, persist (no expiry), default', () => {
    assert.deepEqual(tokenLifetime({ token: 't', expiresInMinutes: 15 }), { token: 't', lifetimeMs: 900_000 });
    assert.deepEqual(tokenLifetime({ token: 't', expiresInMinutes: null }), { token: 't', lifetimeMs: null });
    assert.deepEqual(tokenLifetime({ token: 't', expiresInMinutes: -3 }), { token: 't', lifetimeMs: 900_000 });
  });
  test('error vocabulary', () => {
    assert.equal(classifyTelecomxAnswer(200, {}), undefined);
    assert.equal(classifyTelecomxAnswer(400, { code: 400, message: 'bad_request' })?.code, 'BAD_USER_INPUT');
    assert.equal(classifyTelecomxAnswer(422, { code: 422, message: 'id' })?.code, 'BAD_USER_INPUT');
    assert.equal(classifyTelecomxAnswer(401, {})?.reason, TOKEN_REJECTED);
    assert.equal(classifyTelecomxAnswer(403, { code: 403, message: 'access_denied' })?.code, 'FORBIDDEN');
    assert.equal(classifyTelecomxAnswer(404, { code: 404, message: 'not_found' })?.code, 'NOT_FOUND');
    assert.equal(classifyTelecomxAnswer(500, { code: 500, message: 'internal_error' })?.code, 'VENDOR_UNAVAILABLE');
  });
});

describe('Telecom X forwarding writes: the inverse of the read mapping', () => {
  const every = (action: string, number: string | null) => ({
    extAction: action, extNumber: number, extGoto: null,
    intAction: action, intNumber: number, intGoto: null,
    mobileAction: action, mobileNumber: number, mobileGoto: null,
  });

  test('every rule Telecom X can hold reads back as the rule written, for each caller scope', () => {
    const rules: ForwardingRuleInput[] = [
      { condition: 'NO_ANSWER', action: 'NOTHING' },
      { condition: 'NO_ANSWER', action: 'VOICEMAIL', timeoutSeconds: 45 },
      { condition: 'NO_ANSWER', action: 'NUMBER', number: '+4512345678', hours: 'ANY' },
      { condition: 'BUSY', action: 'BUSY_SIGNAL' },
      { condition: 'BUSY', action: 'VOICEMAIL', vendorAction: 'VOICEMAIL' },
      { condition: 'BUSY', action: 'NUMBER', number: '100' },
      { condition: 'BUSY', action: 'QUEUE' },
    ];
    for (const rule of rules) {
      const word = rule.action === 'BUSY_SIGNAL' ? 'BUSY' : rule.action;
      const expected = ['EXTERNAL', 'INTERNAL', 'MOBILE'].map((callers) => ({
        condition: rule.condition, callers, hours: 'ANY', action: rule.action, vendorAction: word, number: rule.number ?? null, target: null, timeoutSeconds: rule.timeoutSeconds ?? null,
      }));
      assert.deepEqual(mapForwarding(forwardingBlocks([rule])), expected, JSON.stringify(rule));
    }
  });

  test('only the blocks named; timeout only when given', () => {
    assert.deepEqual(forwardingBlocks([]), {});
    assert.deepEqual(forwardingBlocks([{ condition: 'BUSY', action: 'QUEUE' }]), { busy: every('QUEUE', null) });
    assert.deepEqual(forwardingBlocks([{ condition: 'NO_ANSWER', action: 'NUMBER', number: '100', timeoutSeconds: 20 }]), { noAnswer: { ...every('NUMBER', '100'), timeout: 20 } });
  });

  test('a rule Telecom X cannot hold is BAD_USER_INPUT naming the field', () => {
    const cases: [ForwardingRuleInput[], string][] = [
      [[{ condition: 'AWAY', action: 'VOICEMAIL' }], 'input.forwarding[0].condition'],
      [[{ condition: 'BUSY', action: 'VOICEMAIL' }, { condition: 'BUSY', action: 'QUEUE' }], 'input.forwarding[1].condition'],
      [[{ condition: 'BUSY', hours: 'OUTSIDE_OFFICE_HOURS', action: 'VOICEMAIL' }], 'input.forwarding[0].hours'],
      [[{ condition: 'BUSY', action: 'BARGE' }], 'input.forwarding[0].action'],
      [[{ condition: 'BUSY', action: 'USE_EXTERNAL' }], 'input.forwarding[0].action'],
      [[{ condition: 'NO_ANSWER', action: 'BUSY_SIGNAL' }], 'input.forwarding[0].action'],
      [[{ condition: 'NO_ANSWER', action: 'GOTO' }], 'input.forwarding[0].action'],
      [[{ condition: 'NO_ANSWER', action: 'EXTENSION' }], 'input.forwarding[0].action'],
      [[{ condition: 'NO_ANSWER', action: 'OTHER', vendorAction: 'VOICEMAIL' }], 'input.forwarding[0].action'],
      [[{ condition: 'NO_ANSWER', action: 'VOICEMAIL', vendorAction: 'NUMBER' }], 'input.forwarding[0].vendorAction'],
      [[{ condition: 'NO_ANSWER', action: 'NUMBER' }], 'input.forwarding[0].number'],
      [[{ condition: 'NO_ANSWER', action: 'NOTHING', number: '100' }], 'input.forwarding[0].number'],
      [[{ condition: 'NO_ANSWER', action: 'NOTHING', timeoutSeconds: 4 }], 'input.forwarding[0].timeoutSeconds'],
      [[{ condition: 'BUSY', action: 'QUEUE', timeoutSeconds: 30 }], 'input.forwarding[0].timeoutSeconds'],
    ];
    for (const [rules, field] of cases) {
      assert.throws(
        () => forwardingBlocks(rules, 'tx'),
        (err: unknown) => err instanceof PbxError && err.code === 'BAD_USER_INPUT' && err.message.startsWith(`${field}:`),
        `${JSON.stringify(rules)} should name ${field}`,
      );
    }
  });
});

describe('Telecom X configuration', () => {
  const base = { id: 'tx', vendor: 'telecomx', baseUrl: 'http://127.0.0.1:9/' };
  const build = (extra: Record<string, unknown>) =>
    createAdapters(parseConfig({ sources: [{ ...base, ...extra }] }, VENDORS, { TELECOMX_PASSWORD: 'pw-from-env' }).sources, { vendors: VENDORS, logger: silentLogger() });

  test('a token, or a username with a password (from the environment), is accepted', async () => {
    for (const a of [...build({ token: 'machine' }), ...build({ username: 'a@b.dk', password: '${TELECOMX_PASSWORD}', customer: TELECOMX_SIM.customer })]) await a.close();
  });
  for (const [what, extra] of [
    ['both', { token: 'tok-secret', username: 'a@b.dk', password: 'hunter2-secret' }],
    ['neither', {}],
    ['a username alone', { username: 'a@b.dk' }],
    ['a password alone', { password: 'hunter2-secret' }],
  ] as const) {
    test(`${what}: a config error naming the source and the fields`, () => {
      assert.throws(
        () => build(extra),
        (err: unknown) =>
          err instanceof ConfigError && /sources\[id="tx"\]/.test(err.message) && /exactly one of token or username\+password/.test(err.message) && !err.message.includes('-secret'),
      );
    });
  }
  test('a malformed customer id names the field; secrets are redacted', () => {
    assert.throws(() => build({ token: 'sekrit-token', customer: 'acme' }), (err: unknown) => err instanceof ConfigError && /sources\[0\]\.customer/.test(err.message));
    assert.throws(() => build({ token: 42 }), (err: unknown) => err instanceof ConfigError && /sources\[0\]\.token/.test(err.message) && /redacted/.test(err.message));
  });
});

const LIST_100 = `{
  extensions(pbx: "${SOURCE}", first: 100) {
    totalCount
    edges { node { number status devices { technology macAddress phoneNumber online dnd } } }
  }
}`;

describe('Telecom X end to end (MANAGER login bound to the doc customer)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['telecomx'], size: 120 });
  });
  after(() => stack.close());

  test('100 extensions with devices and status: 1 list call plus 1 login, then 1 list call', async () => {
    const sim = simOf(stack);
    stack.reset();
    const r = await stack.gql(LIST_100);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extensions.edges.length, 100);
    assert.equal(r.data.extensions.totalCount, 123); // 3 seeds of the doc customer + 120 generated
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 2 });
    assert.deepEqual(Object.fromEntries(sim.requests), { 'POST /auth/login': 1, 'GET /pbx/extension': 1 });
    const q = sim.log.find((l) => l.path === '/pbx/extension')!.query;
    assert.deepEqual({ ...q, token: q['token'] ? 'set' : 'missing' }, {
      token: 'set', offset: '0', limit: '100', customer: TELECOMX_SIM.customer, includePhones: 'true', expandGoto: 'true', sort: 'number',
    });
    // Sorted by number; status derived from phones.
    const donald = node(r, '592');
    assert.equal(donald.status, 'AVAILABLE');
    assert.deepEqual(donald.devices, [
      { technology: 'SIP', macAddress: '00:04:13:A1:B2:C3', phoneNumber: null, online: true, dnd: false },
      { technology: 'MVNO', macAddress: null, phoneNumber: '+4520304050', online: true, dnd: false },
    ]);
    assert.equal(node(r, '593').status, 'DND');
    assert.equal(node(r, '500').status, 'OFFLINE');
    assert.deepEqual(node(r, '500').devices, []);

    stack.reset();
    const again = await stack.gql(LIST_100);
    assert.deepEqual(vendorCalls(again), { [SOURCE]: 1 }, 'the login token is reused');
    assert.ok(!JSON.stringify(again).includes(q['token']!), 'the vendor token never reaches a client');
  });

  test('forwarding, presence and caller ids come with the list: no further call', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 3) { edges { node { number directNumber notes tenant outboundDestinations mobileDelaySeconds
      callerIds { outbound outboundOffWork nextCall } presenceRules { presence action }
      forwarding { condition callers action vendorAction number target { id type name number } timeoutSeconds } } } } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 1 });
    const dolly = node(r, '593');
    assert.deepEqual(dolly.forwarding[0], {
      condition: 'NO_ANSWER', callers: 'EXTERNAL', action: 'GOTO', vendorAction: 'GOTO', number: null,
      target: { id: '12345678901234567890DDDD', type: 'QUEUE', name: 'Support', number: '600' }, timeoutSeconds: 20,
    });
    assert.deepEqual(dolly.forwarding[1].target, { id: TELECOMX_SIM.donaldId, type: 'EXTENSION', name: 'Donald Duck', number: '592' });
    assert.deepEqual(dolly.callerIds, { outbound: '+4570305050', outboundOffWork: 'SECRET', nextCall: '+4571919998' });
    const donald = node(r, '592');
    assert.equal(donald.directNumber, '+4570305051');
    assert.equal(donald.outboundDestinations, 'NATIONAL');
    assert.equal(donald.mobileDelaySeconds, 10);
    assert.equal(donald.tenant, TELECOMX_SIM.customer);
  });

  test('pages follow each other without gaps or repeats, one list call each', async () => {
    const sim = simOf(stack);
    stack.reset();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: GqlResult = await stack.gql(`query($after: String) { extensions(pbx: "${SOURCE}", first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { number } } } }`, { after });
      assert.equal(r.errors, undefined);
      pages++;
      seen.push(...r.data.extensions.edges.map((e: any) => e.node.number));
      if (!r.data.extensions.pageInfo.hasNextPage) break;
      after = r.data.extensions.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 123);
    assert.equal(new Set(seen).size, 123);
    assert.deepEqual(sim.log.map((l) => l.query['offset']), ['0', '50', '100']);
  });

  test('search is the vendor filter', async () => {
    const sim = simOf(stack);
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", search: "duck") { totalCount edges { node { name } } } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data.extensions.edges.map((e: any) => e.node.name), ['Donald Duck', 'Dolly Duck']);
    assert.equal(sim.log[0]!.query['filter'], 'duck');
  });

  test('one extension by id: one get with expandGoto and includePhones, devices and status primed', async () => {
    const sim = simOf(stack);
    stack.reset();
    const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number restricted status devices { vendorId } forwarding { target { name } } } }`, { id: extId(TELECOMX_SIM.dollyId) });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extension.number, '593');
    assert.equal(r.data.extension.status, 'DND');
    assert.equal(r.data.extension.devices.length, 2);
    assert.equal(r.data.extension.forwarding[5].target.name, 'Main menu');
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 1 });
    assert.equal(sim.log[0]!.path, `/pbx/extension/${TELECOMX_SIM.dollyId}`);
    assert.equal(sim.log[0]!.query['expandGoto'], 'true');
    assert.equal(sim.log[0]!.query['includePhones'], 'true');
  });

  test('a malformed id is BAD_USER_INPUT without a vendor call; an unknown one is NOT_FOUND', async () => {
    const sim = simOf(stack);
    stack.reset();
    for (const bad of ['592', 'zz345678901234567890ABCD', '12345678901234567890ABCDE']) {
      const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId(bad) });
      assert.deepEqual(codes(r), ['BAD_USER_INPUT']);
    }
    assert.equal(sim.totalRequests(), 0);
    const missing = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('ffffffffffffffffffffffff') });
    assert.deepEqual(codes(missing), ['NOT_FOUND']);
    assert.equal(missing.errors![0]!.extensions!.pbx, SOURCE);
  });

  test("another customer's extension is FORBIDDEN at MANAGER level (the vendor's 403)", async () => {
    const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId(TELECOMX_SIM.otherId) });
    assert.deepEqual(codes(r), ['FORBIDDEN']);
    assert.equal(r.errors![0]!.extensions!.pbx, SOURCE);
  });

  test('an expired login token is renewed once, transparently', async () => {
    const sim = simOf(stack);
    sim.expireTokens();
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 2) { edges { node { number } } } }`);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extensions.edges.length, 2);
    // The refused call, the login, the retried call.
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 3 });
    assert.deepEqual(Object.fromEntries(sim.requests), { 'POST /auth/login': 1, 'GET /pbx/extension': 2 });
  });

  test('what Telecom X cannot give is UNSUPPORTED_BY_VENDOR with no vendor call', async () => {
    const sim = simOf(stack);
    await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 1) { edges { node { number } } } }`);
    stack.reset();
    const r = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: extId(TELECOMX_SIM.donaldId) });
    assert.equal(r.errors, undefined);
    stack.reset();
    const list = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 1) { edges { node { number e911 { city } queues { penalty } voicemail { enabled } } } } }`);
    assert.deepEqual(codes(list).sort(), ['UNSUPPORTED_BY_VENDOR', 'UNSUPPORTED_BY_VENDOR', 'UNSUPPORTED_BY_VENDOR']);
    assert.deepEqual(Object.fromEntries(sim.requests), { 'GET /pbx/extension': 1 });
    const caps = await stack.gql(`{ pbx(id: "${SOURCE}") { vendor capabilities health { ok } } }`);
    assert.deepEqual(caps.data.pbx, { vendor: 'telecomx', capabilities: ['CALL_ORIGINATE', 'DEVICES', 'EXTENSION_CREATE', 'EXTENSION_DELETE', 'EXTENSION_LIST', 'EXTENSION_SEARCH', 'EXTENSION_UPDATE', 'FORWARDING', 'STATUS'], health: { ok: true } });
  });

  test('findExtension by number goes through the search', async () => {
    const r = await stack.gql(`{ findExtension(pbx: "${SOURCE}", number: "593") { name status } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data.findExtension, { name: 'Dolly Duck', status: 'DND' });
  });
});

describe('Telecom X at PERSONAL level (Donald logs in)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['telecomx'], size: 20, sourceOverrides: { telecomx: { username: TELECOMX_SIM.personal.email, password: TELECOMX_SIM.personal.password } } });
  });
  after(() => stack.close());
  const FIELDS = `vendorId number name restricted status statusDetail { status } directNumber notes tenant callerIds { outbound } forwarding { action } presenceRules { action } devices { technology } outboundDestinations mobileDelaySeconds`;

  test('own extension in full, the others reduced to nulls: no errors and no refetch', async () => {
    const sim = simOf(stack);
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 10) { totalCount edges { node { ${FIELDS} } } } }`);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extensions.edges.length, 10);
    const donald = node(r, '592');
    assert.equal(donald.restricted, false);
    assert.equal(donald.status, 'AVAILABLE');
    assert.equal(donald.forwarding.length, 6);
    assert.equal(donald.devices.length, 2);
    const dolly = node(r, '593');
    assert.deepEqual(dolly, {
      vendorId: TELECOMX_SIM.dollyId, number: '593', name: 'Dolly Duck', restricted: true, status: null, statusDetail: null, directNumber: null, notes: null,
      tenant: TELECOMX_SIM.customer, callerIds: null, forwarding: null, presenceRules: null, devices: null, outboundDestinations: null, mobileDelaySeconds: null,
    });
    assert.equal(r.data.extensions.edges.filter((e: any) => e.node.restricted).length, 9);
    // The login and the one list call: the reduced records are not fetched again.
    assert.deepEqual(Object.fromEntries(sim.requests), { 'POST /auth/login': 1, 'GET /pbx/extension': 1 });
  });

  test("another person's extension by id: restricted, one get", async () => {
    stack.reset();
    const r = await stack.gql(`query($id: ID!) { extension(id: $id) { ${FIELDS} } }`, { id: extId(TELECOMX_SIM.dollyId) });
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extension.restricted, true);
    assert.equal(r.data.extension.forwarding, null);
    assert.equal(r.data.extension.status, null);
    assert.deepEqual(vendorCalls(r), { [SOURCE]: 1 });
  });
});

describe('Telecom X with an ADMIN machine token', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['telecomx'], size: 5, sourceOverrides: { telecomx: { token: TELECOMX_SIM.adminToken, username: undefined, password: undefined, customer: undefined } } });
  });
  after(() => stack.close());

  test('no login; without a customer the source sees every customer', async () => {
    const sim = simOf(stack);
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 50) { totalCount edges { node { number } } } }`);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.extensions.totalCount, 9);
    assert.ok(node(r, '700'));
    assert.equal(sim.logins(), 0);
    assert.equal(sim.log[0]!.query['customer'], undefined);
  });
});

describe('Telecom X bound to a customer does not serve another customer by id', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['telecomx'], size: 1, sourceOverrides: { telecomx: { token: TELECOMX_SIM.adminToken, username: undefined, password: undefined } } });
  });
  after(() => stack.close());

  test('NOT_FOUND for the other customer, found for its own', async () => {
    const other = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId(TELECOMX_SIM.otherId) });
    assert.deepEqual(codes(other), ['NOT_FOUND']);
    const own = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId(TELECOMX_SIM.donaldId.toLowerCase()) });
    assert.equal(own.data.extension.number, '592');
  });
});

describe('Telecom X failures give typed errors and keep the other source', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'telecomx'], size: 5, sourceOverrides: { telecomx: { timeoutMs: 300 } } });
  });
  after(() => stack.close());
  const ALL = `{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }`;

  for (const [fault, code] of [['error500', 'VENDOR_UNAVAILABLE'], ['timeout', 'VENDOR_TIMEOUT'], ['garbage', 'VENDOR_UNAVAILABLE']] as const) {
    test(`${fault}: ${code} for Telecom X, data from VitalPBX`, async () => {
      const sim = simOf(stack);
      assert.equal((await stack.gql(ALL)).errors, undefined); // logged in before the fault
      sim.setFault(fault);
      try {
        const r = await stack.gql(ALL);
        assert.equal(r.status, 200);
        assert.deepEqual([...new Set(r.data.extensions.edges.map((e: any) => e.node.pbx.sourceId))], ['vital-hq']);
        assert.deepEqual(r.errors!.map((e) => [e.extensions!.code, e.extensions!.pbx]), [[code, SOURCE]]);
        const text = JSON.stringify(r);
        assert.ok(!text.includes('sim-canary-secret'), 'vendor body leaked');
        assert.ok(!text.includes('127.0.0.1'), 'vendor URL leaked');
      } finally {
        sim.setFault('none');
      }
    });
  }

  test('a single-extension get failing is a typed error on that field only', async () => {
    const sim = simOf(stack);
    sim.setFault('error500');
    try {
      const r = await stack.gql(`query($id: ID!) { extension(id: $id) { number } pbxes { sourceId } }`, { id: extId(TELECOMX_SIM.donaldId) });
      assert.deepEqual(codes(r), ['VENDOR_UNAVAILABLE']);
      assert.equal(r.data.pbxes.length, 2);
      assert.ok(!JSON.stringify(r).includes('sim-canary-secret'));
    } finally {
      sim.setFault('none');
    }
  });
});

describe('Telecom X refuses a wrong password', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'telecomx'], size: 2, sourceOverrides: { telecomx: { password: 'wrong-password' } } });
  });
  after(() => stack.close());

  test('VENDOR_AUTH_FAILED naming the source, with the other source still answering', async () => {
    const r = await stack.gql(`{ extensions(first: 500) { edges { node { pbx { sourceId } } } } }`);
    assert.deepEqual(r.errors!.map((e) => [e.extensions!.code, e.extensions!.pbx]), [['VENDOR_AUTH_FAILED', SOURCE]]);
    assert.ok(r.data.extensions.edges.length > 0);
    assert.ok(!JSON.stringify(r).includes('wrong-password'));
    // One login attempt: a refused login is not retried as an expired token.
    assert.equal(simOf(stack).logins(), 1);
  });
});

describe('Telecom X simulator: pages kept per user and query', () => {
  let sim: TelecomxSimulatorHandle;
  before(async () => {
    sim = (await VENDORS.get('telecomx')!.startSimulator({ size: 5 })) as TelecomxSimulatorHandle;
  });
  after(() => sim.close());

  const page = async (token: string, query: string) => {
    const res = await fetch(`${sim.url}/pbx/extension?${query}&token=${token}`);
    assert.equal(res.status, 200);
    return (await res.json()) as { extensions: Record<string, unknown>[] };
  };
  // api:auth:login: {username, password}, the username being the user's e-mail.
  const login = async (who: { email: string; password: string }) => {
    const res = await fetch(`${sim.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: who.email, password: who.password }) });
    return ((await res.json()) as { token: string }).token;
  };

  test('the same query answers each access level its own view, every time', async () => {
    const personal = await login(TELECOMX_SIM.personal);
    const q = 'limit=50&includePhones=true';
    for (let round = 0; round < 2; round++) {
      const full = await page(TELECOMX_SIM.adminToken, q);
      const reduced = await page(personal, q);
      const dolly = (p: { extensions: Record<string, unknown>[] }) => p.extensions.find((x) => x['_id'] === TELECOMX_SIM.dollyId)!;
      assert.ok(Array.isArray(dolly(full)['phones']), 'ADMIN sees phones');
      assert.deepEqual(Object.keys(dolly(reduced)).sort(), ['_id', 'customer', 'name', 'number', 'type']);
    }
    // A new login of the same user gets the same page; a different query is a different page.
    assert.deepEqual(await page(await login(TELECOMX_SIM.personal), q), await page(personal, q));
    const other = await page(TELECOMX_SIM.adminToken, 'limit=1');
    assert.equal(other.extensions.length, 1);
  });
});
