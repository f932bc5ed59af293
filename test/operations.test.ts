import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type TestStack } from './helpers.ts';

const KEY = 'ops-test-key-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** The value of one sample in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('request metrics and the request log', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 5, debug: false });
  });
  after(() => stack.close());

  test('/metrics counts requests by operation and outcome, their duration, in-flight and error codes', async () => {
    await stack.gql('query Dash { pbxes { id } }');
    await stack.gql('query Dash { pbxes { id } }');
    await stack.gql('query Missing { extension(id: "nope") { number } }');
    await post(stack.gateway.url, JSON.stringify({ query: '{ pbxes { id }' }));
    await post(stack.gateway.url, '{ nope');
    const text = await (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
    assert.equal(sample(text, 'pbxgraph_requests_total', { operation: 'Dash', outcome: 'ok' }), 2);
    assert.equal(sample(text, 'pbxgraph_requests_total', { operation: 'Missing', outcome: 'partial' }), 1);
    assert.equal(sample(text, 'pbxgraph_requests_total', { operation: '(anonymous)', outcome: 'client_error' }), 2);
    assert.equal(sample(text, 'pbxgraph_request_duration_seconds_count', { operation: 'Dash' }), 2);
    assert.equal(sample(text, 'pbxgraph_request_errors_total', { code: 'BAD_USER_INPUT' }), 1);
    assert.equal(sample(text, 'pbxgraph_request_errors_total', { code: 'GRAPHQL_PARSE_FAILED' }), 1);
    assert.equal(sample(text, 'pbxgraph_request_errors_total', { code: 'BAD_REQUEST' }), 1);
    // Only the /metrics request itself is not counted, so nothing is in flight.
    assert.equal(sample(text, 'pbxgraph_requests_in_flight'), 0);
  });

  test('the request log line carries the error codes of the answer', async () => {
    await stack.gql('query LogMe { extension(id: "nope") { number } pbxes { id } }');
    let line: any;
    for (let i = 0; i < 50 && !line; i++) {
      line = stack.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.operation === 'LogMe');
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(line);
    assert.deepEqual(line.errorCodes, ['BAD_USER_INPUT']);
    assert.equal(line.status, 200);
  });

  test('a browser opening / is sent to the page; a plain GET gets a short hint, not the CSRF text', async () => {
    const root = stack.gateway.url.replace('/graphql', '/');
    const browser = await fetch(root, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.get('location'), '/dashboard');
    const sandbox = await fetch(stack.gateway.url, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(sandbox.status, 200, 'a browser opening /graphql gets Sandbox, not a redirect');
    assert.match(sandbox.headers.get('content-type') ?? '', /text\/html/);
    const plain = await fetch(root);
    assert.equal(plain.status, 400);
    const body = (await plain.json()) as any;
    assert.match(body.errors[0].message, /POST \/graphql/);
    assert.doesNotMatch(body.errors[0].message, /CSRF/);
  });
});

describe('/metrics is not public once API keys are configured', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 5, extraConfig: { apiKeys: [{ name: 'ops', key: KEY, scopes: ['read'] }] } });
  });
  after(() => stack.close());

  test('on the API port it needs an API key (or the metrics token)', async () => {
    const url = stack.gateway.url.replace('/graphql', '/metrics');
    const open = await fetch(url);
    assert.equal(open.status, 401);
    assert.equal(((await open.json()) as any).errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${KEY}` } })).status, 200);
    const withToken = await stack.another({ metricsToken: METRICS_TOKEN });
    const tokenUrl = withToken.url.replace('/graphql', '/metrics');
    assert.equal((await fetch(tokenUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
    assert.equal((await fetch(tokenUrl, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
  });

  test('server.metricsPort moves it to its own port (and off the API port)', async () => {
    const moved = await stack.another({ metricsPort: 0 });
    assert.ok(moved.metricsPort);
    assert.equal((await fetch(moved.url.replace('/graphql', '/metrics'))).status, 404);
    const res = await fetch(`http://127.0.0.1:${moved.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /pbxgraph_requests_total/);
  });
});

describe('status codes: 4xx for a client error with the standard code, and messages that name the limit', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 5, debug: false });
  });
  after(() => stack.close());

  const ask = async (body: unknown) => {
    const res = await post(stack.gateway.url, JSON.stringify(body));
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] } };
  };

  test('syntax errors are 400 GRAPHQL_PARSE_FAILED', async () => {
    for (const query of ['{ pbxes { id }', 'query {', 'hello']) {
      const r = await ask({ query });
      assert.equal(r.status, 400, query);
      assert.equal(r.body.errors[0]!.extensions.code, 'GRAPHQL_PARSE_FAILED');
    }
  });

  test('a document over the token limit is 400 GRAPHQL_PARSE_FAILED naming the limit', async () => {
    const r = await ask({ query: `{ pbxes { ${'id '.repeat(2500)}} }` });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0]!.extensions.code, 'GRAPHQL_PARSE_FAILED');
    assert.match(r.body.errors[0]!.message, /2000 tokens/);
  });

  test('first: 100000 says that first must be at most 500', async () => {
    const r = await ask({ query: '{ extensions(first: 100000) { edges { node { number } } } }' });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0]!.message, '`first` must be at most 500; got 100000.');
  });

  test('other limits name the number found, the limit and the setting', async () => {
    const r = await ask({ query: `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: pbxes { id }`).join(' ')} }` });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0]!.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(r.body.errors.map((e) => e.message).join(' '), /25 .*; the limit is (20|30) \(limits\.max(RootFields|Aliases)\)/);
  });

  test('a wrong variable type is 400 BAD_USER_INPUT; several operations without a name is 400', async () => {
    const wrong = await ask({ query: 'query($n: Int) { extensions(first: $n) { totalCount } }', variables: { n: 'x' } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0]!.extensions.code, 'BAD_USER_INPUT');
    const two = await ask({ query: 'query A { pbxes { id } } query B { pbxes { id } }' });
    assert.equal(two.status, 400);
    assert.equal(two.body.errors[0]!.extensions.code, 'OPERATION_RESOLUTION_FAILURE');
  });
});
