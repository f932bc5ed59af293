import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PageHints } from '../src/server/page-hints.ts';
import { PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME } from '../src/vendors/portsip/simulator.ts';
import { startStack, vendorCalls, type TestStack } from './helpers.ts';

/**
 * A page asked before starts the loads it led to together with its list call (src/server/
 * page-hints.ts): PortSIP's list carries no status, so a dashboard's status batch used to wait for
 * the list's answer, a second vendor round. Over real HTTP against the PortSIP simulator, which
 * answers after 30 ms so that calls in flight together overlap there.
 */
const SOURCE = 'portsip-demo';
const page = (first: number) => `{ extensions(pbx: "${SOURCE}", first: ${first}) { edges { node { number status statusDetail { vendorStatus } } } } }`;

describe('page hints', () => {
  let stack: TestStack;
  const sim = () => stack.sims.get('portsip')!;
  before(async () => {
    stack = await startStack({ vendors: ['portsip'], size: 20, latencyMs: 30 });
    await stack.gql(page(1)); // the login, outside the counts below
  });
  after(async () => stack.close());

  test('the first answer of a page: list, then status; the next: both at once, the same two calls', async () => {
    stack.reset();
    const first = await stack.gql(page(6));
    assert.equal(first.errors, undefined);
    assert.deepEqual(vendorCalls(first), { [SOURCE]: 2 });
    assert.equal(sim().maxInFlight(), 1, 'the status batch waited for the list');

    stack.reset();
    const again = await stack.gql(page(6));
    assert.deepEqual(again.data, first.data);
    assert.deepEqual(vendorCalls(again), { [SOURCE]: 2 }, 'no call more');
    assert.equal(sim().maxInFlight(), 2, 'the status batch left with the list call');
    assert.deepEqual([...sim().requests.keys()].sort(), ['GET /extensions/list', 'POST /extensions/status']);
  });

  test('a page that changed: every listed extension gets its own status; one call more for the one not predicted', async () => {
    const before = await stack.gql(page(4));
    const numbers = before.data.extensions.edges.map((e: { node: { number: string } }) => e.node.number);
    assert.equal(numbers.length, 4);
    // Remove the second listed extension at the vendor: the page now ends with one not seen before.
    const { access_token: token } = (await (
      await fetch(`${sim().url}/account/credentials/verify`, { method: 'POST', body: JSON.stringify({ username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD }) })
    ).json()) as { access_token: string };
    const destroyed = await fetch(`${sim().url}/extensions/remove`, { method: 'POST', body: JSON.stringify({ access_token: token, extension_number: numbers[1] }) });
    assert.equal(destroyed.status, 200);

    stack.reset();
    const after = await stack.gql(page(4));
    assert.equal(after.errors, undefined);
    const listed = after.data.extensions.edges.map((e: { node: { number: string } }) => e.node.number);
    assert.ok(!listed.includes(numbers[1]));
    assert.equal(listed.length, 4);
    // The list, the predicted batch (with the removed number, which the vendor leaves out) and one
    // batch for the extension the prediction lacked.
    assert.deepEqual(vendorCalls(after), { [SOURCE]: 3 });
    // A gateway that never saw the page answers the same.
    const fresh = await stack.another({});
    const res = (await (await fetch(fresh.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: page(4) }) })).json()) as { data: unknown };
    assert.deepEqual(after.data, res.data);
  });

  test('a page whose list failed is forgotten: while the vendor fails only the list call goes out', async () => {
    await stack.gql(page(7));
    await stack.gql(page(7)); // hinted from here on
    sim().setFault('error500');
    try {
      stack.reset();
      const failing = await stack.gql(page(7));
      assert.equal(failing.errors?.[0]?.extensions?.code, 'VENDOR_UNAVAILABLE');
      assert.deepEqual(vendorCalls(failing), { [SOURCE]: 2 }, 'the list and the batch predicted beside it');
      stack.reset();
      assert.deepEqual(vendorCalls(await stack.gql(page(7))), { [SOURCE]: 1 }, 'the list alone');
    } finally {
      sim().setFault('none');
    }
    stack.reset();
    assert.deepEqual(vendorCalls(await stack.gql(page(7))), { [SOURCE]: 2 });
    assert.equal(sim().maxInFlight(), 1, 'learnt again: list, then status');
    stack.reset();
    await stack.gql(page(7));
    assert.equal(sim().maxInFlight(), 2, 'predicted again');
  });

  test('remembers a bounded number of pages, the least recently used forgotten first', () => {
    const hints = new PageHints(2);
    const loads = new Map([['status' as const, ['1']]]);
    hints.set('a', loads);
    hints.set('b', loads);
    assert.ok(hints.get('a')); // a is now the most recently used
    hints.set('c', loads);
    assert.equal(hints.size, 2);
    assert.equal(hints.get('b'), undefined);
    assert.ok(hints.get('a') && hints.get('c'));
    hints.set('a', new Map());
    assert.equal(hints.get('a'), undefined, 'a page that led to no load is forgotten');
  });
});
