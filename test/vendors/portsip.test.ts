import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config.ts';
import { PbxError } from '../../src/core/errors.ts';
import { createSourceHttp } from '../../src/core/http.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { TokenCache } from '../../src/core/token.ts';
import { startGateway, type Gateway } from '../../src/server/app.ts';
import { classifyPortsipAnswer, createPortsipClient, isTokenExpired, type PortsipClient } from '../../src/vendors/portsip/client.ts';
import { mapExtensionSettings, mapExtensionSummary, mapGreetings, mapGroup, mapStatus, mapStatusWord, tokenLifetimeMs } from '../../src/vendors/portsip/mappers.ts';
import { docExampleSettings, PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME, startPortsipSimulator, type PortsipSimulatorHandle } from '../../src/vendors/portsip/simulator.ts';
import { PORTSIP_STATUS_WORDS } from '../../src/vendors/portsip/types.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { startVitalSimulator, VITAL_SIM_APP_KEY } from '../../src/vendors/vitalpbx/simulator.ts';
import type { SimulatorHandle } from '../../src/core/vendor-module.ts';
import { codes, startStack, vendorCalls, type TestStack } from '../helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/portsip/${name}.json`, import.meta.url), 'utf8'));
/** Domain `undefined` ("not in this answer") has no JSON form: compare as JSON. */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));
const VERIFY = 'POST /account/credentials/verify';
const extId = (number: string, source = 'portsip-demo') => Buffer.from(`Extension:${source}:${number}`).toString('base64url');

describe('PortSIP contract: each doc example maps to the expected domain object', () => {
  test('extensions/list items are partial summary records', () => {
    const f = fixture('extension-list');
    assert.deepEqual(asJson(f.raw.extensions.map((x: any) => mapExtensionSummary(f.sourceId, x))), f.expected);
  });
  test('extensions/search (one object instead of an array)', () => {
    const f = fixture('extension-search');
    assert.deepEqual(asJson([mapExtensionSummary(f.sourceId, f.raw.extensions)]), f.expected);
  });
  test('extensions/show: full record, no password, web password or voicemail PIN', () => {
    const f = fixture('extension-show');
    const mapped = mapExtensionSettings(f.sourceId, f.raw);
    assert.deepEqual(asJson(mapped), f.expected);
    assert.deepEqual(f.raw, asJson(docExampleSettings()), 'the simulator seeds the same doc example');
    // Every secret in the example is "123456"; the phone numbers holding the same digits are not mapped either.
    assert.ok(!JSON.stringify(mapped).includes('123456'));
    assert.deepEqual(mapExtensionSettings('ps', { ...f.raw, belong_groups: [{ group_id: '12', group_name: 'x' }, 'G2'] }).groupIds, ['12', 'G2']);
  });
  test('extensions/status', () => {
    const f = fixture('extension-status');
    assert.deepEqual(f.raw.extension_status.map(mapStatus), f.expected);
  });
  test('status words: every known word maps to itself, others to UNKNOWN with the word kept', () => {
    for (const w of PORTSIP_STATUS_WORDS) assert.equal(mapStatusWord(w), w);
    assert.deepEqual(mapStatus({ status: 'RINGING_BACK', user_agent: 'X' }), { status: 'UNKNOWN', vendorStatus: 'RINGING_BACK', userAgent: 'X', updatedAt: null });
  });
  test('extensions/group/list and group/show', () => {
    const list = fixture('group-list');
    assert.deepEqual(asJson(list.raw.groups.map((g: any) => mapGroup(list.sourceId, g))), list.expected);
    const show = fixture('group-show');
    assert.deepEqual(mapGroup(show.sourceId, { group_id: show.groupId }, show.raw), show.expected);
  });
  test('extensions/greeting_file/list: default file, enabled flags', () => {
    const f = fixture('greetings');
    assert.deepEqual(mapGreetings(f.raw), f.expected);
  });
  test('login: lifetime from expires (string or number), the page\'s 30 s when unreadable', () => {
    const f = fixture('login');
    assert.equal(tokenLifetimeMs(f.raw.expires), f.expected.lifetimeMs);
    assert.equal(tokenLifetimeMs(600), f.expected.lifetimeMs);
    assert.equal(tokenLifetimeMs(undefined), 29_000);
    assert.equal(tokenLifetimeMs(1), 800);
  });
  test('error vocabulary: a refused token is marked for one re-login', () => {
    const v = classifyPortsipAnswer(401, { err_code: 40102, err_msg: 'Invalid or expired access token' });
    assert.deepEqual(v && [v.code, v.reason], ['VENDOR_AUTH_FAILED', 'token_expired']);
    assert.equal(isTokenExpired(new PbxError(v!.code, v!.message, 'ps', { reason: v!.reason })), true);
    // The vendor's own lapse answer, any 401/403, and its documented 400 naming the token: all a refused token.
    assert.equal(classifyPortsipAnswer(401, { err_code: 401, err_msg: 'Invalid access token' })?.reason, 'token_expired');
    assert.equal(classifyPortsipAnswer(403, 'Forbidden')?.reason, 'token_expired');
    assert.equal(classifyPortsipAnswer(400, { message: 'access_token expired' })?.reason, 'token_expired');
    assert.equal(classifyPortsipAnswer(400, { message: 'pagination is required' })?.reason, undefined);
    assert.equal(classifyPortsipAnswer(404, { err_code: 40401 })?.code, 'NOT_FOUND');
    assert.equal(classifyPortsipAnswer(500, { message: 'boom' }), undefined);
  });
});

const STATUS_QUERY = `{ extensions(pbx: "portsip-demo", first: 50) { edges { node { number status statusDetail { vendorStatus } } } } }`;

describe('PortSIP end to end', () => {
  let stack: TestStack;
  let sim: PortsipSimulatorHandle;
  before(async () => {
    stack = await startStack({ vendors: ['portsip'], size: 60 });
    sim = stack.sims.get('portsip') as PortsipSimulatorHandle;
  });
  after(() => stack.close());

  test('50 extensions with status: exactly 1 list call + 1 status call (+ at most 1 login)', async () => {
    for (const warm of [false, true]) {
      stack.reset();
      const r = await stack.gql(STATUS_QUERY);
      assert.equal(r.errors, undefined);
      assert.equal(r.data.extensions.edges.length, 50);
      const calls = Object.fromEntries(sim.requests);
      assert.equal(calls['GET /extensions/list'], 1);
      assert.equal(calls['POST /extensions/status'], 1);
      assert.equal(calls[VERIFY] ?? 0, warm ? 0 : 1);
      assert.equal(sim.totalRequests(), warm ? 2 : 3);
      assert.deepEqual(vendorCalls(r), { 'portsip-demo': sim.totalRequests() });
      // The one status call asked for all 50 numbers.
      const statusCall = sim.log.find((l) => l.path === '/extensions/status')!;
      assert.equal((statusCall.body as { extensions: string[] }).extensions.length, 50);
      const seed = r.data.extensions.edges.find((e: any) => e.node.number === '101').node;
      assert.deepEqual(seed, { number: '101', status: 'ON_CALL', statusDetail: { vendorStatus: 'ON_CALL' } });
    }
  });

  test('pages follow each other without gaps or repeats, aligned or not', async () => {
    for (const sizes of [[20], [7, 13, 40]]) {
      const seen: string[] = [];
      let afterCursor: string | null = null;
      for (let i = 0; ; i++) {
        const first = sizes[i % sizes.length];
        const r: any = await stack.gql(`query($first: Int, $after: String) { extensions(pbx: "portsip-demo", first: $first, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { number } } } }`, { first, after: afterCursor });
        assert.equal(r.errors, undefined);
        assert.equal(r.data.extensions.pageInfo.hasPreviousPage, afterCursor !== null);
        seen.push(...r.data.extensions.edges.map((e: any) => e.node.number));
        if (!r.data.extensions.pageInfo.hasNextPage) break;
        afterCursor = r.data.extensions.pageInfo.endCursor;
      }
      assert.equal(seen.length, 67);
      assert.equal(new Set(seen).size, 67);
    }
    // The vendor is asked with its own 1-based page numbers.
    assert.ok(sim.log.some((l) => l.path === '/extensions/list' && l.query['pagination'] === '2' && l.query['pagesize'] === '20'));
  });

  test('groups of 50 extensions come from the group index, not one call per extension', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "portsip-demo", first: 50) { edges { node { number groups { name memberCount } } } } }`);
    assert.equal(r.errors, undefined);
    const calls = Object.fromEntries(sim.requests);
    assert.equal(calls['GET /extensions/show'], undefined);
    assert.equal(calls['GET /extensions/list'], 1);
    // One group/list page + one group/show per group (6), whatever the number of extensions.
    assert.equal(calls['GET /extensions/group/list'], 1);
    assert.equal(calls['GET /extensions/group/show'], 6);
    assert.equal(sim.totalRequests(), 8);
    const member = r.data.extensions.edges.find((e: any) => e.node.number === '105').node;
    assert.deepEqual(member.groups, [{ name: 'Sample extension group', memberCount: 3 }]);
    const plain = r.data.extensions.edges.find((e: any) => e.node.number === '1000').node;
    assert.deepEqual(plain.groups.map((g: any) => g.name), ['__DEFAULT_EXTENSION_GROUP__']);
  });

  test('one extension with everything: show + greetings + status + its one group, group ids from belong_groups', async () => {
    stack.reset();
    const r = await stack.gql(
      `query($id: ID!) { extension(id: $id) { number name firstName lastName email enabled language notes status
        statusDetail { status vendorStatus userAgent } voicemail { enabled mailbox language hasVoicemailPin playCallerId readOutDateTime }
        forwarding { condition callers hours action vendorAction number timeoutSeconds } officeHours { mode days { day from to } }
        greetings { name enabled isDefault } groups { id name } } }`,
      { id: extId('1000') },
    );
    assert.equal(r.errors, undefined);
    const e = r.data.extension;
    const doc = fixture('extension-show').expected;
    assert.equal(e.name, doc.name);
    assert.equal(e.enabled, true);
    assert.deepEqual(e.voicemail, doc.voicemail);
    assert.deepEqual(e.officeHours, doc.officeHours);
    assert.deepEqual(e.forwarding, doc.forwarding.map(({ target: _t, ...rest }: any) => rest));
    assert.deepEqual(e.greetings, fixture('greetings').expected);
    assert.deepEqual(e.statusDetail, { status: 'AVAILABLE', vendorStatus: 'AVAILABLE', userAgent: 'PortSIP UC 12.3' });
    assert.deepEqual(e.groups.map((g: any) => g.name), ['__DEFAULT_EXTENSION_GROUP__']);
    assert.deepEqual(Object.fromEntries(sim.requests), { 'GET /extensions/show': 1, 'GET /extensions/greeting_file/list': 1, 'POST /extensions/status': 1, 'GET /extensions/group/show': 1 });
  });

  test('detail fields of a list page: one show per extension, capped by concurrency', async () => {
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "portsip-demo", first: 30) { edges { node { number enabled voicemail { hasVoicemailPin } } } } }`);
    assert.equal(r.errors, undefined);
    assert.equal(sim.requests.get('GET /extensions/show'), 30);
    assert.ok(sim.maxInFlight() <= 8);
  });

  test('groups with members; a group by id', async () => {
    const r = await stack.gql(`{ groups(pbx: "portsip-demo") { id vendorId name description memberCount intercom externalCalls consoleAccess members { number } } }`);
    assert.equal(r.errors, undefined);
    const sample = r.data.groups.find((g: any) => g.vendorId === '12');
    assert.deepEqual(
      { ...sample, id: undefined },
      { id: undefined, vendorId: '12', name: 'Sample extension group', description: 'Sample extension group', memberCount: 3, intercom: true, externalCalls: true, consoleAccess: true, members: [{ number: '105' }, { number: '106' }, { number: '107' }] },
    );
    const one = await stack.gql(`query($id: ID!) { group(id: $id) { name memberCount } }`, { id: sample.id });
    assert.deepEqual(one.data.group, { name: 'Sample extension group', memberCount: 3 });
  });

  test('search (a single match comes back as one object) and findExtension by number', async () => {
    const r = await stack.gql(`{ extensions(pbx: "portsip-demo", search: "sample@") { edges { node { number name } } }
      many: extensions(pbx: "portsip-demo", search: "member", first: 2) { pageInfo { hasNextPage } edges { node { number } } }
      findExtension(pbx: "portsip-demo", number: "101") { name status } }`);
    assert.equal(r.errors, undefined);
    assert.deepEqual(r.data.extensions.edges, [{ node: { number: '1001', name: 'Sample name Sample name' } }]);
    assert.deepEqual(r.data.many, { pageInfo: { hasNextPage: true }, edges: [{ node: { number: '105' } }, { node: { number: '106' } }] });
    assert.deepEqual(r.data.findExtension, { name: 'Agent One', status: 'ON_CALL' });
    const none = await stack.gql(`{ findExtension(pbx: "portsip-demo", number: "99999") { name } }`);
    assert.equal(none.errors, undefined);
    assert.equal(none.data.findExtension, null);
  });

  test('unknown extension is NOT_FOUND; a malformed id costs no call', async () => {
    const missing = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('99999') });
    assert.deepEqual(codes(missing), ['NOT_FOUND']);
    assert.equal(missing.errors![0]!.extensions!.pbx, 'portsip-demo');
    stack.reset();
    const malformed = await stack.gql(`query($id: ID!) { extension(id: $id) { number } }`, { id: extId('abc') });
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    assert.equal(sim.totalRequests(), 0);
  });

  test('what PortSIP cannot give is UNSUPPORTED_BY_VENDOR with no call', async () => {
    await stack.gql(STATUS_QUERY);
    stack.reset();
    const r = await stack.gql(`{ extensions(pbx: "portsip-demo", first: 1) { edges { node { number devices { id } e911 { city } callStatistics { local } } } } }`);
    assert.deepEqual(codes(r), ['UNSUPPORTED_BY_VENDOR', 'UNSUPPORTED_BY_VENDOR', 'UNSUPPORTED_BY_VENDOR']);
    assert.deepEqual([...sim.requests.keys()], ['GET /extensions/list']);
  });

  test('no password, web password or voicemail PIN in any output', async () => {
    // The generated extension's PIN, read straight from the simulator.
    const login: any = await (await fetch(`${sim.url}/account/credentials/verify`, { method: 'POST', body: JSON.stringify({ username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }) })).json();
    const raw: any = await (await fetch(`${sim.url}/extensions/show?extension_number=3001&access_token=${login.access_token}`)).json();
    assert.match(raw.voice_mail.voicemail_pin, /^[0-9]{6}$/);
    assert.match(raw.password, /sim-canary-secret/);
    const res = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ extensions(pbx: "portsip-demo", first: 70) { edges { node { id number name firstName lastName email notes language enabled status statusDetail { vendorStatus userAgent }
        voicemail { enabled mailbox language hasVoicemailPin readOutDateTime } forwarding { vendorAction number } officeHours { mode } greetings { name } groups { name } } } } }` }),
    });
    const text = await res.text();
    assert.equal(JSON.parse(text).errors, undefined);
    assert.ok(!text.includes('sim-canary-secret'), 'a password reached the client');
    assert.ok(!text.includes(raw.voice_mail.voicemail_pin), 'a PIN reached the client');
  });

  test('a PBX restart (all sessions dropped) costs one transparent re-login', async () => {
    await stack.gql(STATUS_QUERY);
    sim.revokeTokens();
    stack.reset();
    const r = await stack.gql(STATUS_QUERY);
    assert.equal(r.errors, undefined);
    assert.equal(sim.requests.get(VERIFY), 1);
    // The refused list call, then list + status with the new token.
    assert.equal(sim.requests.get('GET /extensions/list'), 2);
  });
});

describe('PortSIP token expiry under load', () => {
  const started: { sim: SimulatorHandle; gateway: Gateway }[] = [];
  async function stackWith(simOpts: Parameters<typeof startPortsipSimulator>[0]) {
    const sim = await startPortsipSimulator({ size: 5, ...simOpts });
    const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, sources: [{ id: 'ps', vendor: 'portsip', baseUrl: sim.url, username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }] }, VENDORS, {});
    const gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger() });
    started.push({ sim, gateway });
    const gql = async () => (await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ extensions(pbx: "ps", first: 3) { edges { node { number status } } } }' }) })).json() as Promise<any>;
    return { sim, gql };
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  after(async () => {
    for (const s of started) {
      await s.gateway.stop();
      await s.sim.close();
    }
  });

  test('100 concurrent requests just after the vendor dropped an idle token: exactly 1 login', async () => {
    // The login says 600 s (as the vendor's example does) but the PBX drops the token after 300 ms idle.
    const { sim, gql } = await stackWith({ tokenIdleMs: 300 });
    assert.equal((await gql()).errors, undefined);
    await sleep(400);
    sim.resetCounters();
    const answers = await Promise.all(Array.from({ length: 100 }, gql));
    assert.ok(answers.every((a) => a.errors === undefined && a.data.extensions.edges.length === 3));
    assert.equal(sim.requests.get(VERIFY), 1);
  });

  test('100 concurrent requests just after an honest short expiry: exactly 1 login, no refused call', async () => {
    const { sim, gql } = await stackWith({ tokenIdleMs: 1000, tokenExpiresS: 1 });
    assert.equal((await gql()).errors, undefined);
    await sleep(900); // past the adapter's 800 ms (1 s less its margin), inside the PBX's 1 s
    sim.resetCounters();
    const answers = await Promise.all(Array.from({ length: 100 }, gql));
    assert.ok(answers.every((a) => a.errors === undefined));
    assert.equal(sim.requests.get(VERIFY), 1);
    assert.equal(sim.requests.get('GET /extensions/list'), 100);
  });
});

describe('PortSIP failures give typed errors and keep the other sources', () => {
  let stack: TestStack;
  let refusing: SimulatorHandle;
  let vital: SimulatorHandle;
  let gateway: Gateway;
  let text = '';
  const gql = async (query: string) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    text = await res.text();
    return JSON.parse(text) as any;
  };
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'portsip'], size: 5, sourceOverrides: { portsip: { timeoutMs: 300 } } });
    refusing = await startPortsipSimulator({ size: 2, tokenIdleMs: 0 });
    vital = await startVitalSimulator({ size: 2 });
    const config = parseConfig(
      {
        server: { port: 0, host: '127.0.0.1' },
        sources: [
          { id: 'vital', vendor: 'vitalpbx', baseUrl: vital.url, appKey: VITAL_SIM_APP_KEY, tenant: '1' },
          { id: 'ps-wrongpw', vendor: 'portsip', baseUrl: refusing.url, username: PORTSIP_SIM_USERNAME, password: 'nope' },
          { id: 'ps-refused', vendor: 'portsip', baseUrl: refusing.url, username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD },
        ],
      },
      VENDORS,
      {},
    );
    gateway = await startGateway({ config, vendors: VENDORS, logger: silentLogger() });
  });
  after(async () => {
    await stack.close();
    await gateway.stop();
    await refusing.close();
    await vital.close();
  });

  for (const [fault, code] of [['error500', 'VENDOR_UNAVAILABLE'], ['timeout', 'VENDOR_TIMEOUT'], ['garbage', 'VENDOR_UNAVAILABLE']] as const) {
    test(`${fault}: ${code} for PortSIP, data from VitalPBX`, async () => {
      const ps = stack.sims.get('portsip')!;
      ps.setFault(fault);
      try {
        const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }' }) });
        const body = await res.text();
        const r = JSON.parse(body);
        assert.equal(res.status, 200);
        assert.deepEqual([...new Set(r.data.extensions.edges.map((e: any) => e.node.pbx.sourceId))], ['vital-hq']);
        assert.deepEqual(r.errors.map((e: any) => [e.extensions.code, e.extensions.pbx]), [[code, 'portsip-demo']]);
        assert.ok(!body.includes('sim-canary-secret'), 'vendor body leaked');
        assert.ok(!body.includes('127.0.0.1'), 'vendor URL leaked');
      } finally {
        ps.setFault('none');
      }
    });
  }

  test('wrong password and tokens that are always refused: VENDOR_AUTH_FAILED each, VitalPBX still answers', async () => {
    refusing.resetCounters();
    const r = await gql(`{ extensions(first: 500) { edges { node { number pbx { sourceId } } } } }`);
    assert.deepEqual([...new Set(r.data.extensions.edges.map((e: any) => e.node.pbx.sourceId))], ['vital']);
    assert.deepEqual(r.errors.map((e: any) => [e.extensions.code, e.extensions.pbx]), [['VENDOR_AUTH_FAILED', 'ps-wrongpw'], ['VENDOR_AUTH_FAILED', 'ps-refused']]);
    // ps-wrongpw: 1 refused login; ps-refused: login, refused call, one re-login, refused call, then the error.
    assert.equal(refusing.requests.get(VERIFY), 3);
    assert.equal(refusing.requests.get('GET /extensions/list'), 2);
    assert.ok(!text.includes('Invalid or expired access token'), 'vendor message leaked');
  });

  test('the simulator answers a bad token and an unknown extension like the vendor', async () => {
    const bad = await fetch(`${refusing.url}/extensions/list?access_token=0123456789ABCDEF0123456789ABCDEF&pagination=1&pagesize=10`);
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { err_code: 401, err_msg: 'Invalid or expired access token' });
    const sim = stack.sims.get('portsip')!;
    const { access_token }: any = await (await fetch(`${sim.url}/account/credentials/verify`, { method: 'POST', body: JSON.stringify({ username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }) })).json();
    const missing = await fetch(`${sim.url}/extensions/show?access_token=${access_token}&extension_number=424242`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as any).err_code, 40401);
    const noPage = await fetch(`${sim.url}/extensions/list?access_token=${access_token}`);
    assert.equal(noPage.status, 400);
  });
});

describe('PortSIP simulator write endpoints (for the mutations issue), through the typed client', () => {
  let sim: PortsipSimulatorHandle;
  let client: PortsipClient;
  let closeHttp: () => void;
  before(async () => {
    sim = await startPortsipSimulator({ size: 0 });
    const http = createSourceHttp({ sourceId: 'w', baseUrl: sim.url, timeoutMs: 2000, classify: classifyPortsipAnswer, logger: silentLogger() });
    closeHttp = http.close;
    const tokens: TokenCache = new TokenCache({ login: async () => ({ token: (await client.verify(PORTSIP_SIM_USERNAME, PORTSIP_SIM_PASSWORD)).access_token, lifetimeMs: 60_000 }), sliding: true });
    client = createPortsipClient(http, 'w', (call) => tokens.use(call, isTokenExpired));
  });
  after(async () => {
    closeHttp();
    await sim.close();
  });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'OK';
    } catch (err) {
      return (err as PbxError).code;
    }
  };

  test('extension create / update / call / destroy with validation', async () => {
    const doc = docExampleSettings();
    assert.equal(await code(client.createExtension({ ...doc, extension_number: '2000' })), 'OK');
    assert.equal(await code(client.createExtension({ ...doc, extension_number: '2000' })), 'BAD_USER_INPUT');
    assert.equal(await code(client.createExtension({ extension_number: '2001' })), 'BAD_USER_INPUT');
    const { extension_number: _n, password: _p, web_access_password: _w, ...sections } = doc;
    const update = { extension_number: '2000', ...sections } as Parameters<PortsipClient['updateExtension']>[0];
    update.profile = { ...update.profile, first_name: 'Renamed' };
    assert.equal(await code(client.updateExtension(update)), 'OK');
    assert.equal((await client.showExtension('2000')).profile?.first_name, 'Renamed');
    assert.equal(await code(client.updateExtension({ ...update, office_hours: { monday_from: '9am' } })), 'BAD_USER_INPUT');
    assert.equal(await code(client.updateExtension({ ...update, extension_number: '2999' })), 'NOT_FOUND');
    assert.equal(await code(client.call({ extension: '2000', auth: '123456', to: '1001', domain: 'example', src: 'test' })), 'OK');
    assert.equal(await code(client.call({ extension: '2000', auth: 'wrong', to: '1001', domain: 'example', src: 'test' })), 'BAD_USER_INPUT');
    assert.equal(sim.requests.get('GET /extensions/call'), 2, 'a call is never retried');
    assert.equal(await code(client.destroyExtension('2000')), 'OK');
    assert.equal(await code(client.showExtension('2000')), 'NOT_FOUND');
  });

  test('group create / update / destroy and greeting add / setup / destroy', async () => {
    const created = await client.createGroup({ group_name: 'Night shift', enable_intercom: true, enable_external_call: false, enable_management_console_access: false, members: ['105'] });
    assert.equal(created.group_name, 'Night shift');
    assert.equal(await code(client.createGroup({ group_name: 'Bad', enable_intercom: true, enable_external_call: false, enable_management_console_access: false, members: ['999'] })), 'BAD_USER_INPUT');
    assert.equal(await code(client.updateGroup({ group_id: created.group_id, group_name: 'Night shift', enable_intercom: false, enable_external_call: false, enable_management_console_access: false, members: ['105', '106'] })), 'OK');
    assert.deepEqual((await client.showGroup(created.group_id)).members, ['105', '106']);
    assert.equal((await client.showExtension('106')).belong_groups?.some((g) => typeof g !== 'string' && g.group_id === created.group_id), true);
    assert.equal(await code(client.destroyGroup(created.group_id)), 'OK');
    assert.equal(await code(client.showGroup(created.group_id)), 'NOT_FOUND');
    assert.equal(await code(client.destroyGroup('__DEFAULT_EXTENSION_GROUP__')), 'BAD_USER_INPUT');

    assert.equal(await code(client.addGreeting({ extension_number: '101', filename: 'welcome.wav', url: 'https://files.example.com/welcome.wav' })), 'OK');
    assert.equal(await code(client.addGreeting({ extension_number: '101', filename: 'welcome.txt' })), 'BAD_USER_INPUT');
    assert.equal(await code(client.setupGreeting('101', 'welcome.wav')), 'OK');
    assert.deepEqual(mapGreetings(await client.listGreetings('101', 1, 10)), [{ name: 'welcome.wav', enabled: true, isDefault: true }]);
    assert.equal(await code(client.destroyGreeting('101', 'welcome.wav')), 'OK');
    assert.equal(await code(client.destroyGreeting('101', 'welcome.wav')), 'NOT_FOUND');
    assert.deepEqual(mapGreetings(await client.listGreetings('101', 1, 10)), []);
  });
});
