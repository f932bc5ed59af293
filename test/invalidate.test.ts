import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeId, GlobalIds } from '../src/core/ids.ts';
import { newRequestScope } from '../src/core/request-scope.ts';
import { createContext } from '../src/server/context.ts';
import { invalidate } from '../src/server/invalidate.ts';
import { PageHints } from '../src/server/page-hints.ts';
import { PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME } from '../src/vendors/portsip/simulator.ts';
import { startStack, vendorCalls, type TestStack } from './helpers.ts';

/*
 * The write seam: after a write, the gateway forgets what it remembered of the record (or of the
 * whole source), so the next read shows the write. Over real HTTP against the PortSIP simulator,
 * whose group index is cached across requests and whose answers are remembered (answer memo).
 */
const SOURCE = 'portsip-demo';

describe('invalidate: a write, then a read, gets fresh data', () => {
  let stack: TestStack;
  const sim = () => stack.sims.get('portsip')!;
  const source = () => stack.gateway.sources.find((s) => s.id === SOURCE)!;
  /** A call straight to the vendor (as a write operation would make). */
  const vendor = async (path: string, body: Record<string, unknown>) => {
    const { access_token } = (await (await fetch(`${sim().url}/account/credentials/verify`, { method: 'POST', body: JSON.stringify({ username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }) })).json()) as { access_token: string };
    const res = await fetch(`${sim().url}/${path}`, { method: 'POST', body: JSON.stringify({ access_token, ...body }) });
    assert.equal(res.status, 200, await res.clone().text());
  };
  const newContext = () =>
    createContext(stack.gateway.sources, { name: 'test', scopes: new Set(['read']), sources: undefined }, newRequestScope(), 'r1', new GlobalIds(), new PageHints());

  before(async () => {
    // The group index is kept a minute: without the hook, a renamed group would stay stale that long.
    stack = await startStack({ vendors: ['portsip'], size: 6, sourceOverrides: { portsip: { groupCacheMs: 60_000 } } });
  });
  after(async () => stack.close());

  test('a renamed group: stale from the cached index, fresh once the source is told to forget it', async () => {
    const groups = async () => (await stack.gql(`{ groups(pbx: "${SOURCE}") { id name } }`)).data.groups as { id: string; name: string }[];
    const before = await groups();
    const g = before[0]!;
    const groupId = decodeId(g.id)!.localId;
    await vendor('extensions/group/update', { group_id: groupId, group_name: `${g.name} renamed`, enable_intercom: true, enable_external_call: true, enable_management_console_access: false });
    assert.deepEqual(await groups(), before, 'the index is cached across requests');
    const refreshed = await stack.gql(`mutation { refreshPbx(id: "${SOURCE}") { sourceId } }`);
    assert.equal(refreshed.errors, undefined);
    const after = await groups();
    assert.ok(after.some((x) => x.name === `${g.name} renamed`), JSON.stringify(after));
  });

  test('forget drops the remembered answers: an unchanged answer is no longer the same shared object', async () => {
    const a = await source().listExtensions({ first: 3 });
    const b = await source().listExtensions({ first: 3 });
    assert.equal(a.items[0]!.node, b.items[0]!.node, 'an unchanged answer is the remembered one, mapped once');
    source().forget({ extension: a.items[0]!.node.vendorId });
    const c = await source().listExtensions({ first: 3 });
    assert.notEqual(c.items[0]!.node, a.items[0]!.node, 'parsed and mapped afresh');
    assert.deepEqual(c.items.map((i) => i.node), a.items.map((i) => i.node));
  });

  test('a record changed at the vendor within one request: invalidate makes the request read it again', async () => {
    const ctx = newContext();
    const s = source();
    const [first] = (await s.listExtensions({ first: 1 })).items;
    const id = first!.node.vendorId;
    const loaded = await ctx.loaders.get('extension', s)!.load(id);
    await vendor('extensions/update', { extension_number: id, profile: { first_name: 'Renamed' }, options: {}, forward_rules: {}, office_hours: {}, voice_mail: {} });
    assert.equal((await ctx.loaders.get('extension', s)!.load(id)).firstName, loaded.firstName, 'the request keeps what it loaded');
    invalidate(ctx, s, { extension: id });
    assert.equal((await ctx.loaders.get('extension', s)!.load(id)).firstName, 'Renamed');
  });

  test('the page hints of the source are dropped, other sources keep theirs', async () => {
    const hints = new PageHints();
    const loads = new Map([['status' as const, ['1']]]);
    hints.set(PageHints.key(SOURCE, {}, 5, undefined), loads);
    hints.set(PageHints.key('other', {}, 5, undefined), loads);
    const ctx = createContext(stack.gateway.sources, { name: 'test', scopes: new Set(['read']), sources: undefined }, newRequestScope(), 'r2', new GlobalIds(), hints);
    invalidate(ctx, source());
    assert.equal(hints.get(PageHints.key(SOURCE, {}, 5, undefined)), undefined);
    assert.ok(hints.get(PageHints.key('other', {}, 5, undefined)));
  });

  test('after refreshPbx a hinted page is learnt again: list, then status', async () => {
    const page = `{ extensions(pbx: "${SOURCE}", first: 4) { edges { node { number status } } } }`;
    await stack.gql(page);
    await stack.gql(`mutation { refreshPbx(id: "${SOURCE}") { sourceId } }`);
    stack.reset();
    const again = await stack.gql(page);
    assert.deepEqual(vendorCalls(again), { [SOURCE]: 2 });
    assert.equal(sim().maxInFlight(), 1, 'no prediction left: the status batch waited for the list');
  });
});

describe('page-hint keys', () => {
  test('built from every argument of the field, in any order; absent and null alike', () => {
    const key = PageHints.key;
    assert.equal(key('s', { first: 50, search: 'a' }, 5, undefined), key('s', { search: 'a', first: 50 }, 5, undefined));
    assert.equal(key('s', { first: 50, search: null, after: 'c' }, 5, undefined), key('s', {}, 5, undefined), "the source's own first and after replace the field's");
    assert.notEqual(key('s', { status: 'ON_CALL' }, 5, undefined), key('s', {}, 5, undefined), 'an argument the connection does not know is part of the key');
    assert.notEqual(key('s', {}, 5, '4'), key('s', {}, 5, undefined));
    assert.notEqual(key('s', {}, 5, undefined), key('t', {}, 5, undefined));
  });
});
