import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { parse, validate } from 'graphql';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { parseConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { buildSchema } from '../src/server/schema.ts';
import { startVitalSimulator, VITAL_SIM_APP_KEY } from '../src/vendors/vitalpbx/simulator.ts';
import { VENDORS } from '../src/vendors/registry.ts';

const READ_KEY = 'read-key-0123456789abcdef';
const WRITE_KEY = 'write-key-0123456789abcdef';
const T1_KEY = 'tenant1-key-0123456789abcdef';
const LIMITED_KEY = 'limits-key-0123456789abcdef';

interface Harness {
  gateway: Gateway;
  sim: SimulatorHandle;
  logs: string[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  gql(query: string, key?: string, variables?: Record<string, unknown>): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  close(): Promise<void>;
}

async function harness(extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const sim = await startVitalSimulator({ size: 10 });
  const logs: string[] = [];
  const sink = new Writable({ write(c, _e, cb) { logs.push(...String(c).split('\n').filter(Boolean)); cb(); } });
  const config = parseConfig(
    {
      server: { port: 0, host: '127.0.0.1' },
      apiKeys: [
        { name: 'reader', key: '${READ_KEY}', scopes: ['read'] },
        { name: 'writer', key: WRITE_KEY, scopes: ['read', 'write'] },
        { name: 'tenant1', key: T1_KEY, scopes: ['read'], sources: ['vital-t1'] },
        { name: 'limits', key: LIMITED_KEY, scopes: ['read'] },
      ],
      sources: [
        { id: 'vital-t1', vendor: 'vitalpbx', baseUrl: sim.url, appKey: VITAL_SIM_APP_KEY, tenant: '1', timeoutMs: 1000, listCacheMs: 0 },
        { id: 'vital-t2', vendor: 'vitalpbx', baseUrl: sim.url, appKey: VITAL_SIM_APP_KEY, tenant: '2', timeoutMs: 1000, listCacheMs: 0 },
      ],
      ...extra,
    },
    VENDORS,
    { READ_KEY, ...env },
  );
  const gateway = await startGateway({ config, vendors: VENDORS, logger: createLogger({ level: 'debug', destination: sink }) });
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    gateway,
    sim,
    logs,
    post,
    gql: (query, key = READ_KEY, variables) => post({ query, variables }, key ? { authorization: `Bearer ${key}` } : {}),
    close: async () => {
      await gateway.stop();
      await sim.close();
    },
  };
}

const codesOf = (json: any): string[] => (json?.errors ?? []).map((e: any) => e.extensions?.code);

describe('API keys and scopes', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  test('no key, a wrong key, and a key in the wrong header are 401 UNAUTHENTICATED', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope-nope' }, { authorization: `Basic ${READ_KEY}` }, { 'x-api-key': READ_KEY.slice(0, -1) }] as Record<string, string>[]) {
      const r = await h.post({ query: '{ pbxes { id } }' }, headers);
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.deepEqual(codesOf(r.json), ['UNAUTHENTICATED']);
    }
  });

  test('Bearer and x-api-key both work', async () => {
    assert.equal((await h.post({ query: '{ pbxes { id } }' }, { authorization: `Bearer ${READ_KEY}` })).status, 200);
    assert.equal((await h.post({ query: '{ pbxes { id } }' }, { 'x-api-key': READ_KEY })).status, 200);
  });

  test('a read-only key cannot run a mutation; a write key can', async () => {
    const denied = await h.gql('mutation { refreshPbx(id: "vital-t1") { sourceId } }', READ_KEY);
    assert.equal(denied.status, 403);
    assert.deepEqual(codesOf(denied.json), ['FORBIDDEN']);
    const allowed = await h.gql('mutation { refreshPbx(id: "vital-t1") { sourceId } }', WRITE_KEY);
    assert.equal(allowed.json.data.refreshPbx.sourceId, 'vital-t1');
  });

  test('the request log names the key, the operation and the vendor calls, never the key itself', async () => {
    await h.gql('query Dash { extensions(pbx: "vital-t1", first: 1) { edges { node { number } } } }', READ_KEY);
    // The line is written once the response has gone out.
    let line: any;
    for (let i = 0; i < 50 && !line; i++) {
      line = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.operation === 'Dash');
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(line, `no request log line in ${h.logs.join('\n')}`);
    assert.equal(line.key, 'reader');
    assert.deepEqual(line.vendorCalls, { 'vital-t1': 1 });
    assert.ok(typeof line.requestId === 'string' && typeof line.durationMs === 'number');
    assert.ok(!h.logs.some((l) => l.includes(READ_KEY) || l.includes(WRITE_KEY) || l.includes(VITAL_SIM_APP_KEY)));
  });
});

describe('source and tenant isolation', () => {
  let h: Harness;
  before(async () => {
    // Wide limits: each request below carries 50 ids three ways.
    h = await harness({ limits: { maxAliases: 200, maxRootFields: 200, maxTokens: 20_000, maxCost: 1_000_000 } });
  });
  after(() => h.close());

  test('a key limited to one tenant sees only that source in pbxes and lists', async () => {
    const r = await h.gql('{ pbxes { sourceId } extensions(first: 500) { edges { node { pbx { sourceId } } } } groups { id } }', T1_KEY);
    assert.deepEqual(r.json.data.pbxes, [{ sourceId: 'vital-t1' }]);
    assert.ok(r.json.data.extensions.edges.every((e: any) => e.node.pbx.sourceId === 'vital-t1'));
    const other = await h.gql('{ pbx(id: "vital-t2") { sourceId } }', T1_KEY);
    assert.equal(other.json.data.pbx, null);
    const list = await h.gql('{ extensions(pbx: "vital-t2") { edges { cursor } } }', T1_KEY);
    const missing = await h.gql('{ extensions(pbx: "no-such-source") { edges { cursor } } }', T1_KEY);
    assert.deepEqual(codesOf(list.json), ['NOT_FOUND']);
    assert.equal(list.json.errors[0].message, missing.json.errors[0].message.replace('no-such-source', 'vital-t2'));
  });

  test('1,000 random cross-tenant and cross-source ids leak nothing and make no vendor call', async () => {
    h.sim.resetCounters();
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const type = ['Extension', 'Group', 'Pbx'][rnd(3)]!;
      const source = ['vital-t2', 'vital-t3', 'hq', 'vital-t1x'][rnd(4)]!;
      ids.push(Buffer.from(`${type}:${source}:${type === 'Pbx' ? '' : String(rnd(20_000) + 1)}`).toString('base64url'));
    }
    const nonexistent = await h.gql('query($id: ID!) { extension(id: $id) { id } }', T1_KEY, { id: Buffer.from('Extension:nowhere:1').toString('base64url') });
    const reference = nonexistent.json.errors[0];
    for (let i = 0; i < ids.length; i += 50) {
      const batch = ids.slice(i, i + 50);
      const reps = batch.map((id) => ({ __typename: 'Extension', id }));
      const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Extension { id number } } ${batch
        .map((id, k) => `e${k}: extension(id: "${id}") { id number } n${k}: node(id: "${id}") { id }`)
        .join(' ')} }`;
      const r = await h.post({ query: q, variables: { reps } }, { authorization: `Bearer ${T1_KEY}`, 'content-type': 'application/json' });
      assert.equal(r.status, 200, r.text.slice(0, 300));
      for (const err of r.json.errors) {
        assert.ok(['NOT_FOUND', 'BAD_USER_INPUT'].includes(err.extensions.code), JSON.stringify(err));
        assert.equal(err.extensions.pbx, undefined, 'an error named a hidden source');
      }
      assert.ok(Object.values(r.json.data).every((v: any) => v === null || (Array.isArray(v) && v.every((x) => x === null))));
      assert.ok(!r.text.includes('vital-t2'), 'hidden source id leaked');
    }
    for (const e of ['Extension', 'Group', 'Pbx']) assert.ok(reference.message.length > 0, e);
    assert.equal(h.sim.totalRequests(), 0);
  });
});

describe('operation limits: rejected just past each number, accepted at it', () => {
  let h: Harness;
  let costly: Harness;
  const limits = { maxTokens: 60, maxDepth: 4, maxAliases: 3, maxRootFields: 3, maxDirectives: 3, maxCost: 1_000_000 };
  const costQuery = '{ pbxes { id name vendor } }';
  before(async () => {
    const schema = buildSchema();
    // The cost of a query under graphql-armor's model, read from its own rule.
    const costOf = (q: string): number => {
      try {
        const errs = validate(schema, parse(q), [costLimitRule({ maxCost: 0 })]);
        return Number(/found (\d+(?:\.\d+)?)/.exec(errs[0]?.message ?? '')?.[1]);
      } catch (err) {
        return Number(/found (\d+(?:\.\d+)?)/.exec((err as Error).message)?.[1]);
      }
    };
    const maxCost = Math.ceil(costOf(costQuery));
    assert.ok(costOf('{ pbxes { id name vendor sourceId } }') > maxCost);
    h = await harness({ limits, server: { port: 0, host: '127.0.0.1', bodyLimitBytes: 2048 } });
    costly = await harness({ limits: { maxCost } });
  });
  after(async () => {
    await h.close();
    await costly.close();
  });

  const ok = async (q: string) => {
    const r = await h.gql(q, LIMITED_KEY);
    assert.equal(r.json.errors, undefined, `${q}: ${r.text.slice(0, 300)}`);
  };
  const rejected = async (q: string, pattern: RegExp) => {
    const r = await h.gql(q, LIMITED_KEY);
    assert.ok(r.json.errors?.length, `${q} was accepted`);
    assert.match(r.json.errors[0].message, pattern);
    assert.equal(r.json.data, undefined);
  };

  test('depth', async () => {
    await ok('{ extensions(first: 1) { edges { node { number } } } }');
    await rejected('{ extensions(first: 1) { edges { node { pbx { name } } } } }', /depth/i);
  });
  test('aliases', async () => {
    await ok('{ a: pbxes { b: id c: name } }');
    await rejected('{ a: pbxes { b: id c: name d: vendor } }', /alias/i);
  });
  test('root fields', async () => {
    await ok('{ pbxes { id } pbx(id: "vital-t1") { id } groups { id } }');
    await rejected('{ pbxes { id } pbx(id: "vital-t1") { id } groups { id } extensions { totalCount } }', /root fields/i);
  });
  test('directives', async () => {
    await ok('{ pbxes { id @include(if: true) name @include(if: true) vendor @include(if: true) } }');
    await rejected('{ pbxes { id @include(if: true) name @include(if: true) vendor @include(if: true) sourceId @include(if: true) } }', /directive/i);
  });
  test('tokens', async () => {
    const tokens = (n: number) => `{ pbxes { ${Array.from({ length: n - 5 }, () => 'id').join(' ')} } }`; // {, pbxes, {, ..., }, } = n tokens
    await ok(tokens(limits.maxTokens));
    await rejected(tokens(limits.maxTokens + 1), /token/i);
  });
  test('cost', async () => {
    assert.equal((await costly.gql(costQuery, LIMITED_KEY)).json.errors, undefined);
    const r = await costly.gql('{ pbxes { id name vendor sourceId } }', LIMITED_KEY);
    assert.match(r.json.errors[0].message, /cost/i);
  });
  test('first at most 500', async () => {
    const h500 = await h.gql('{ extensions(pbx: "vital-t1", first: 500) { totalCount } }', LIMITED_KEY);
    assert.equal(h500.json.errors, undefined);
    assert.deepEqual(codesOf((await h.gql('{ extensions(pbx: "vital-t1", first: 501) { totalCount } }', LIMITED_KEY)).json), ['BAD_USER_INPUT']);
  });
  test('body size', async () => {
    const pad = (n: number) => {
      const base = JSON.stringify({ query: '{ pbxes { id } }', variables: { pad: '' } });
      return JSON.stringify({ query: '{ pbxes { id } }', variables: { pad: 'x'.repeat(n - base.length) } });
    };
    assert.equal(pad(2048).length, 2048);
    assert.equal((await h.post(pad(2048), { authorization: `Bearer ${LIMITED_KEY}` })).status, 200);
    assert.equal((await h.post(pad(2049), { authorization: `Bearer ${LIMITED_KEY}` })).status, 413);
    // Without a content-length (chunked), the limit holds as the body arrives.
    const chunked = await fetch(h.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${LIMITED_KEY}` },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(500)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
  });
  test('HTTP batching is off', async () => {
    const r = await h.post([{ query: '{ pbxes { id } }' }, { query: '{ pbxes { id } }' }], { authorization: `Bearer ${LIMITED_KEY}` });
    assert.equal(r.status, 400);
  });
});

describe('masked errors and rate limits', () => {
  test('a vendor error body with a canary secret reaches neither a response nor a log line', async () => {
    const h = await harness();
    try {
      for (const fault of ['error500', 'garbage', 'timeout'] as const) {
        h.sim.setFault(fault);
        const r = await h.gql('{ extensions(first: 5) { edges { node { number } } } pbxes { health { ok errorCode } } }');
        assert.ok(r.json.errors.length > 0);
        for (const e of r.json.errors) assert.ok(e.extensions.code.startsWith('VENDOR_'), JSON.stringify(e));
        assert.ok(!r.text.includes('sim-canary-secret') && !r.text.includes('postgres://') && !r.text.includes('127.0.0.1') && !r.text.includes('api.php'));
      }
      h.sim.setFault('none');
      const all = h.logs.join('\n');
      assert.ok(all.includes('vendor call failed'));
      assert.ok(!all.includes('sim-canary-secret') && !all.includes('postgres://'));
      assert.ok(!all.includes(VITAL_SIM_APP_KEY));
    } finally {
      await h.close();
    }
  });

  test('429 with Retry-After once the bucket is empty', async () => {
    const h = await harness({ rateLimit: { capacity: 3, refillPerSecond: 0.01 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await h.gql('{ pbxes { id } }')).status, 200);
      const r = await h.gql('{ pbxes { id } }');
      assert.equal(r.status, 429);
      assert.deepEqual(codesOf(r.json), ['RATE_LIMITED']);
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      // Buckets are per key: another key still passes.
      assert.equal((await h.gql('{ pbxes { id } }', WRITE_KEY)).status, 200);
    } finally {
      await h.close();
    }
  });

  test('production mode: no introspection, no landing page, no suggestions; config can turn them on', async () => {
    const h = await harness({}, { NODE_ENV: 'production' });
    try {
      const intro = await h.gql('{ __schema { types { name } } }');
      assert.ok(intro.json.errors?.length);
      const page = await fetch(h.gateway.url, { headers: { accept: 'text/html' } });
      assert.ok(!(await page.text()).toLowerCase().includes('sandbox'));
      const typo = await h.gql('{ pbxs { id } }');
      assert.ok(!typo.text.includes('Did you mean'), typo.text);
    } finally {
      await h.close();
    }
    const on = await harness({ server: { port: 0, host: '127.0.0.1', introspection: true, landingPage: true } }, { NODE_ENV: 'production' });
    try {
      assert.equal((await on.gql('{ __schema { queryType { name } } }')).json.errors, undefined);
    } finally {
      await on.close();
    }
  });
});
