import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PbxError } from '../src/core/errors.ts';
import { GlobalIds } from '../src/core/ids.ts';
import { newRequestScope } from '../src/core/request-scope.ts';
import { createContext, releaseContext } from '../src/server/context.ts';
import { PageHints } from '../src/server/page-hints.ts';
import { startStack, vendorCalls, type GqlResult, type TestStack } from './helpers.ts';

/*
 * What a request's loader batches answered is readable at once (Loaders.settledOf), so that rows whose
 * loads the connection has waited for resolve without a pending promise per field. Over real HTTP
 * against the PortSIP simulator (its list carries no status and no groups).
 */
const SOURCE = 'portsip-demo';

describe('loader answers read at once', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['portsip'], size: 6 });
  });
  after(async () => stack.close());

  const newContext = () =>
    createContext(stack.gateway.sources, { name: 'test', scopes: new Set(['read']), sources: undefined }, newRequestScope(), 'r1', new GlobalIds(), new PageHints());

  test('nothing before the batch answers; then its value, or the very Error load rejected with; nothing after the release', async () => {
    const ctx = newContext();
    const source = stack.gateway.sources.find((s) => s.id === SOURCE)!;
    const loader = ctx.loaders.get('status', source)!;
    const answered = (kind: 'status' | 'extensionGroupIds', key: string) => ctx.loaders.settledOf(kind, source)?.get(key);
    const pending = Promise.allSettled([loader.load('1001'), loader.load('999999')]);
    assert.equal(answered('status', '1001'), undefined, 'not before the batch has answered');
    const [found, missing] = await pending;
    assert.equal(found.status, 'fulfilled');
    assert.equal(answered('status', '1001'), (found as PromiseFulfilledResult<unknown>).value, 'the same object load gave');
    assert.equal(missing.status, 'rejected');
    const err = answered('status', '999999');
    assert.ok(err instanceof PbxError && err.code === 'NOT_FOUND');
    assert.equal(err, (missing as PromiseRejectedResult).reason, 'the same Error load rejected with');
    assert.equal(answered('extensionGroupIds', '1001'), undefined, 'another kind is not answered by it');
    releaseContext(ctx);
    assert.equal(answered('status', '1001'), undefined, 'let go with the request');
  });

  test('a page waits for the loads its rows need, then its rows answer from them: one call per kind, none per row', async () => {
    const query = `{ extensions(pbx: "${SOURCE}", first: 6) { edges { node { number status statusDetail { vendorStatus } groups { id name } } } } }`;
    await stack.gql(`mutation { refreshPbx(id: "${SOURCE}") { id } }`); // the group index not cached
    await stack.gql(`{ extensions(pbx: "${SOURCE}", first: 1) { edges { node { number } } } }`); // the login, outside the counts below
    stack.reset();
    const answer = await stack.gql(query);
    assert.equal(answer.errors, undefined);
    const sim = stack.sims.get('portsip')!;
    const groups = sim.requests.get('GET /extensions/group/show') ?? 0;
    assert.ok(groups > 0);
    // The list, one status batch, the group index (its list and one show per group): nothing per row.
    assert.deepEqual(Object.fromEntries(sim.requests), {
      'GET /extensions/list': 1,
      'POST /extensions/status': 1,
      'GET /extensions/group/list': 1,
      'GET /extensions/group/show': groups,
    });
    assert.deepEqual(vendorCalls(answer), { [SOURCE]: 3 + groups });
    const rows = answer.data.extensions.edges as { node: { number: string; status: string; statusDetail: { vendorStatus: string }; groups: { id: string; name: string }[] } }[];
    assert.equal(rows.length, 6);
    for (const { node } of rows) {
      assert.equal(typeof node.status, 'string');
      assert.equal(typeof node.statusDetail.vendorStatus, 'string');
      assert.ok(node.groups.length > 0, `extension ${node.number} is in a group (the default one at least)`);
    }
    // graphql-js, over the same connection code, answers the same.
    const reference = await stack.another({ executor: 'graphql-js' });
    const res = await fetch(reference.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    assert.deepEqual(((await res.json()) as { data: unknown }).data, answer.data);
  });
});

describe('a page whose list failed is not waited for', () => {
  /*
   * PortSIP behind a proxy that can fail its list at once (HTTP 500) and hold its status batch
   * unanswered: a dashboard over PortSIP and eTelecom must answer with eTelecom's rows and PortSIP's
   * error while the status batch predicted for PortSIP's page is still in flight.
   */
  let stack: TestStack;
  let failing = false;
  let target = '';
  const held: http.ServerResponse[] = [];
  let abandoned = 0;
  const proxy = http.createServer((req, res) => {
    if (failing && req.url?.startsWith('/api/extensions/list')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"down"}');
      return;
    }
    if (failing && req.url?.startsWith('/api/extensions/status')) {
      req.resume();
      held.push(res);
      res.once('close', () => abandoned++);
      return;
    }
    const out = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  before(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    stack = await startStack({ vendors: ['portsip', 'etelecom'], size: 6, sourceOverrides: { portsip: { baseUrl: `http://127.0.0.1:${port}/api`, timeoutMs: 5000 } } });
    target = new URL(stack.sims.get('portsip')!.url).origin;
  });
  after(async () => {
    for (const res of held) res.destroy();
    proxy.closeAllConnections();
    proxy.close();
    await stack.close();
  });

  test('the other sources answer while the failed page\'s predicted loads are still in flight', async () => {
    const query = '{ extensions(first: 500) { edges { node { number status pbx { sourceId } } } } }';
    const from = (r: GqlResult) => (r.data.extensions.edges as { node: { pbx: { sourceId: string } } }[]).map((e) => e.node.pbx.sourceId);
    const seen = await stack.gql(query);
    const etelecom = from(seen).filter((s) => s === 'etelecom-demo').length;
    assert.ok(etelecom > 0 && from(seen).includes('portsip-demo'), 'both sources, PortSIP first: its page seen, its status batch remembered');
    failing = true;
    const answer = await stack.gql(query);
    assert.equal(held.length, 1, 'the predicted status batch went out with the list call');
    assert.equal(abandoned, 0, 'and was still in flight when the answer came (not given up at its timeout)');
    assert.deepEqual(from(answer), Array(etelecom).fill('etelecom-demo'), "eTelecom's rows");
    assert.deepEqual(
      answer.errors?.map((e) => [e.extensions?.code, e.extensions?.pbx]),
      [['VENDOR_UNAVAILABLE', 'portsip-demo'], ['UNSUPPORTED_BY_VENDOR', 'etelecom-demo']],
    );
  });
});
