import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../src/core/config.ts';
import { PbxError } from '../src/core/errors.ts';
import { encodeId } from '../src/core/ids.ts';
import { createSourceHttp, parseRetryAfter } from '../src/core/http.ts';
import { createLogger, silentLogger } from '../src/core/logger.ts';
import { newRequestScope } from '../src/core/request-scope.ts';
import { listAnswer } from '../src/core/validate.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { EtelecomExtensionInfoSchema, EtelecomExtensionSchema } from '../src/vendors/etelecom/types.ts';
import { PortalExtensionAnswerSchema, PortalListEnvelope, PortalListItemSchema } from '../src/vendors/portal/types.ts';
import {
  PortsipExtensionShowSchema, PortsipExtensionSummarySchema, PortsipGreetingFileSchema, PortsipGreetingListEnvelope, PortsipGroupDetailSchema,
  PortsipGroupSummarySchema, PortsipPageSchema, PortsipSessionSchema, PortsipStatusEntrySchema,
} from '../src/vendors/portsip/types.ts';
import { TxExtensionSchema } from '../src/vendors/telecomx/types.ts';
import { VitalCdrSummarySchema, VitalDeviceSchema, VitalExtensionSchema, VitalQueuesInfoSchema, VitalVoicemailRecordsSchema } from '../src/vendors/vitalpbx/types.ts';
import { PORTSIP_SIM_PASSWORD, PORTSIP_SIM_USERNAME, startPortsipSimulator } from '../src/vendors/portsip/simulator.ts';
import { startTelecomxSimulator, TELECOMX_SIM } from '../src/vendors/telecomx/simulator.ts';
import { codes, startStack, type TestStack } from './helpers.ts';

const post = async (g: Gateway, query: string, variables?: Record<string, unknown>): Promise<any> =>
  (await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })).json();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sessions follow the vendors: one re-login per lapsed token, however many queries meet it', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of closers.reverse()) await c();
  });
  async function gatewayFor(source: Record<string, unknown>): Promise<Gateway> {
    const raw = { server: { port: 0, host: '127.0.0.1' }, rateLimit: { capacity: 100_000, refillPerSecond: 100_000 }, sources: [{ timeoutMs: 3000, ...source }] };
    const g = await startGateway({ config: parseConfig(raw, VENDORS, {}), vendors: VENDORS, logger: silentLogger() });
    closers.push(() => g.stop());
    return g;
  }

  test('PortSIP: the token lapses after idle time (401 {err_code: 401}); 100 concurrent queries, exactly one new login, no failed answer', async () => {
    const sim = await startPortsipSimulator({ size: 20, tokenIdleMs: 300 });
    closers.push(() => sim.close());
    const g = await gatewayFor({ id: 'ps', vendor: 'portsip', baseUrl: sim.url, username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD });
    const q = '{ extensions(pbx: "ps", first: 20) { edges { node { number status } } } }';
    assert.equal((await post(g, q)).errors, undefined);
    await sleep(400);
    sim.resetCounters();
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(g, q)));
    assert.deepEqual(answers.filter((a) => a.errors).map((a) => a.errors), []);
    assert.ok(answers.every((a) => a.data.extensions.edges.length === 20));
    assert.equal(sim.requests.get('POST /account/credentials/verify'), 1);
  });

  test('PortSIP: a token is renewed before its `expires`, without meeting a refusal', async () => {
    // expires 1 s: trusted for 0.8 s; the simulator would only refuse after 30 s idle.
    const sim = await startPortsipSimulator({ size: 5, tokenExpiresS: 1 });
    closers.push(() => sim.close());
    const g = await gatewayFor({ id: 'ps2', vendor: 'portsip', baseUrl: sim.url, username: PORTSIP_SIM_USERNAME, password: PORTSIP_SIM_PASSWORD });
    const q = '{ extensions(pbx: "ps2", first: 3) { edges { node { number } } } }';
    assert.equal((await post(g, q)).errors, undefined);
    await sleep(900);
    sim.resetCounters();
    assert.equal((await post(g, q)).errors, undefined);
    assert.deepEqual(sim.log.map((r) => `${r.method} ${r.path}`), ['POST /account/credentials/verify', 'GET /extensions/list']);
  });

  test('Telecom X: login with {username, password}; the token lapses after idle time (401); 100 concurrent queries, one new login', async () => {
    const sim = await startTelecomxSimulator({ size: 20, tokenIdleMs: 300 });
    closers.push(() => sim.close());
    const g = await gatewayFor({ id: 'tx', vendor: 'telecomx', baseUrl: sim.url, username: TELECOMX_SIM.manager.email, password: TELECOMX_SIM.manager.password });
    const q = '{ extensions(pbx: "tx", first: 20) { edges { node { number status devices { id } } } } }';
    assert.equal((await post(g, q)).errors, undefined);
    const login = sim.log.find((r) => r.path === '/auth/login');
    assert.deepEqual(Object.keys(login!.body as object).sort(), ['password', 'username']);
    await sleep(400);
    sim.resetCounters();
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(g, q)));
    assert.deepEqual(answers.filter((a) => a.errors).map((a) => a.errors), []);
    assert.equal(sim.requests.get('POST /auth/login'), 1);
  });
});

describe('rate limits: a 429 holds the source until its Retry-After', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx', 'portal'], sourceOverrides: { vitalpbx: { breaker: false }, portal: { breaker: false } } });
  });
  after(() => stack.close());

  test('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter(undefined, now), 1);
    assert.equal(parseRetryAfter('999999', now), 3600);
  });

  test('held calls answer at once with VENDOR_RATE_LIMITED and retryAfterSeconds, and reach no vendor', async () => {
    const sim = stack.sims.get('portal')!;
    sim.setRetryAfter('2');
    sim.setFault('rateLimited');
    const q = '{ extensions(pbx: "portal-demo", first: 5) { edges { node { number } } } }';
    try {
      const first = await stack.gql(q);
      assert.deepEqual(codes(first), ['VENDOR_RATE_LIMITED']);
      assert.equal(first.errors![0]!.extensions!['retryAfterSeconds'], 2);
      sim.setFault('none');
      stack.reset();
      const started = performance.now();
      const held = await stack.gql(q);
      assert.ok(performance.now() - started < 200);
      assert.deepEqual(codes(held), ['VENDOR_RATE_LIMITED']);
      assert.ok([1, 2].includes(held.errors![0]!.extensions!['retryAfterSeconds'] as number));
      assert.equal(sim.totalRequests(), 0, 'no vendor call while held');
      // The other source is not held.
      assert.equal((await stack.gql('{ extensions(pbx: "vital-hq", first: 2) { edges { node { number } } } }')).errors, undefined);
      await sleep(2100);
      assert.equal((await stack.gql(q)).errors, undefined);
    } finally {
      sim.setFault('none');
    }
  });

  test('an HTTP-date Retry-After holds as long', async () => {
    const sim = stack.sims.get('vitalpbx')!;
    sim.setRetryAfter(new Date(Date.now() + 3000).toUTCString());
    sim.setFault('rateLimited');
    // The previous test's list answer is still in the source's whole-list cache.
    for (const s of stack.gateway.sources) s.forget();
    try {
      const r = await stack.gql('{ extensions(pbx: "vital-hq", first: 2) { edges { node { number } } } }');
      assert.deepEqual(codes(r), ['VENDOR_RATE_LIMITED']);
      assert.ok((r.errors![0]!.extensions!['retryAfterSeconds'] as number) >= 1);
    } finally {
      sim.setFault('none');
    }
  });
});

describe('answers validated at the edge', () => {
  let server: http.Server;
  let url = '';
  let body = '';
  const lines: string[] = [];
  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const schema = listAnswer('things', z.object({ total: z.number() }), 'items', z.object({ id: z.string(), n: z.number() }));
  const client = () => {
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    return createSourceHttp({ sourceId: 'src', baseUrl: url, timeoutMs: 1000, logger: createLogger({ level: 'debug', destination: sink }) });
  };

  test('a record that does not parse is dropped, logged once per distinct answer with its field, and reported once per request', async () => {
    const h = client();
    body = JSON.stringify({ total: 3, items: [{ id: 'a', n: 1 }, { id: 'b', n: 'two' }, { id: 'c', n: 3 }] });
    lines.length = 0;
    for (let i = 0; i < 2; i++) {
      const scope = newRequestScope(`req-${i}`);
      const got = await h.scoped(scope).get<{ total: number; items: { id: string }[] }>('things', { answer: schema });
      assert.deepEqual(got.items.map((x) => x.id), ['a', 'c']);
      assert.deepEqual(scope.problems?.map((p) => [p.code, p.pbx]), [['VENDOR_BAD_RESPONSE', 'src']]);
    }
    const warned = lines.filter((l) => l.includes('vendor records dropped'));
    assert.equal(warned.length, 1, 'validated (and logged) once for the same answer');
    const w = JSON.parse(warned[0]!);
    assert.deepEqual([w.level, w.endpoint, w.fields, w.requestId], [40, 'things', ['items.1.n'], 'req-0']);
    assert.ok(!warned[0]!.includes('two'), 'no vendor value in the log');
    h.close();
  });

  test('an envelope that does not parse (null data, missing array) is VENDOR_BAD_RESPONSE, never NOT_FOUND or BAD_USER_INPUT', async () => {
    const h = client();
    for (const bad of [{ total: 1, items: null }, { total: 1 }, { total: '1', items: [] }, null]) {
      body = JSON.stringify(bad);
      await assert.rejects(h.get('things', { answer: schema }), (e: unknown) => e instanceof PbxError && e.code === 'VENDOR_BAD_RESPONSE');
    }
    h.close();
  });

  test('Point VoIP list status: "1"/"0" and booleans', () => {
    const list = listAnswer('get/extensions', PortalListEnvelope, 'result', PortalListItemSchema);
    const { value, dropped } = list.decode({
      message: 'ok', status: true, count: 4,
      result: [
        { number: 1, firstName: 'A', lastName: null, status: '1' },
        { number: '2', firstName: 'B', lastName: null, status: false },
        { number: 3, firstName: 'C', lastName: null, status: true },
        { number: 4, firstName: 'D', lastName: null, status: '0' },
      ],
    });
    assert.deepEqual(dropped, []);
    assert.deepEqual(value.result.map((x) => x.status), ['1', '0', '1', '0']);
  });
});

describe('start-up checks and client errors', () => {
  test('an eTelecom baseUrl without a path is refused at start-up, saying what it must look like', async () => {
    const raw = { server: { port: 0, host: '127.0.0.1' }, sources: [{ id: 'et', vendor: 'etelecom', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }] };
    await assert.rejects(startGateway({ config: parseConfig(raw, VENDORS, {}), vendors: VENDORS, logger: silentLogger() }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /sources\[id="et"\]\.baseUrl: .*with a path.*no path/);
      return true;
    });
  });

  for (const executor of ['jit', 'graphql-js'] as const) {
    test(`_entities with a type that is no entity is BAD_USER_INPUT (${executor}), the others still resolve`, async () => {
      const stack = await startStack({ vendors: ['vitalpbx'] });
      try {
        const g = await stack.another({ executor });
        const list = await post(g, '{ extensions(pbx: "vital-hq", first: 1) { edges { node { id } } } }');
        const id = list.data.extensions.edges[0].node.id;
        const r = await post(g, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Extension { id } } }', {
          r: [{ __typename: 'Pbx', id: 'vital-hq' }, { __typename: 'Extension', id }, { __typename: 42 }],
        });
        assert.deepEqual(r.errors.map((e: any) => [e.extensions.code, e.path]), [['BAD_USER_INPUT', ['_entities', 0]], ['BAD_USER_INPUT', ['_entities', 2]]]);
        assert.deepEqual(r.data._entities, [null, { id }, null]);
      } finally {
        await stack.close();
      }
    });
  }
});

describe('the docs’ example answers parse against the schemas the clients check', () => {
  const fixture = (path: string): unknown => (JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8')) as { raw: unknown }).raw;
  const CASES: [string, z.ZodType][] = [
    ['etelecom/create-extension.json', EtelecomExtensionSchema],
    ['etelecom/extension.json', EtelecomExtensionSchema],
    ['etelecom/extension-offset-time.json', EtelecomExtensionSchema],
    ['etelecom/extension-info.json', EtelecomExtensionInfoSchema],
    ['portal/e911-none.json', PortalExtensionAnswerSchema],
    ['portal/e911-set.json', PortalExtensionAnswerSchema],
    ['portal/get-extension.json', PortalExtensionAnswerSchema],
    ['portal/list.json', PortalListEnvelope.extend({ result: z.array(PortalListItemSchema) })],
    ['portsip/extension-list.json', PortsipPageSchema.extend({ extensions: z.array(PortsipExtensionSummarySchema) })],
    ['portsip/extension-search.json', PortsipPageSchema.extend({ extensions: z.union([z.array(PortsipExtensionSummarySchema), PortsipExtensionSummarySchema]) })],
    ['portsip/extension-show.json', PortsipExtensionShowSchema],
    ['portsip/extension-status.json', z.object({ extension_status: z.array(PortsipStatusEntrySchema) })],
    ['portsip/greetings.json', PortsipGreetingListEnvelope.extend({ files: z.array(PortsipGreetingFileSchema) })],
    ['portsip/group-list.json', PortsipPageSchema.extend({ groups: z.array(PortsipGroupSummarySchema) })],
    ['portsip/group-show.json', PortsipGroupDetailSchema],
    ['portsip/login.json', PortsipSessionSchema],
    ['telecomx/extension.json', TxExtensionSchema],
    ['telecomx/extension-expanded.json', TxExtensionSchema],
    ['telecomx/extension-restricted.json', TxExtensionSchema],
    ['vitalpbx/extension.json', VitalExtensionSchema],
    ['vitalpbx/devices.json', VitalDeviceSchema],
    ['vitalpbx/queues.json', VitalQueuesInfoSchema],
    ['vitalpbx/cdr-summary.json', VitalCdrSummarySchema],
    ['vitalpbx/voicemail-records.json', VitalVoicemailRecordsSchema],
  ];
  for (const [path, schema] of CASES) {
    test(path, () => {
      const r = schema.safeParse(fixture(path));
      assert.ok(r.success, r.success ? '' : JSON.stringify(r.error.issues[0]));
    });
  }

  test('no simulator imports its adapter’s client, types, mappers or constants', () => {
    // A simulator may be split into files of its own (simulator-*.ts); each of them is held to the same rule.
    const ownFile = /^\.\/simulator(-[\w-]+)?\.ts$/;
    for (const vendor of VENDORS.keys()) {
      const files = ['./simulator.ts'];
      for (let i = 0; i < files.length; i++) {
        const text = readFileSync(new URL(`../src/vendors/${vendor}/${files[i]!.slice(2)}`, import.meta.url), 'utf8');
        const local = [...text.matchAll(/^import[^;]*from '([^']+)'/gm)].map((m) => m[1]!).filter((p) => p.startsWith('./'));
        assert.deepEqual(local.filter((p) => !ownFile.test(p)), [], `${vendor}/${files[i]!.slice(2)}`);
        for (const p of local) if (!files.includes(p)) files.push(p);
      }
    }
  });
});

describe('a list answer with an unreadable record, end to end', () => {
  let server: http.Server;
  let gateway: Gateway;
  const lines: string[] = [];
  before(async () => {
    // A Point VoIP server whose list holds one record with a number that is no number.
    server = http.createServer((_req, res) => {
      const result = [
        { number: 100, firstName: 'Ann', lastName: 'A', status: '1' },
        { number: 'not-a-number', firstName: 'Bob', lastName: 'B', status: '0' },
        { number: 102, firstName: 'Cid', lastName: 'C', status: true },
      ];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Extensions exported from cache.', count: 3, result, status: true, node: 'n1', executionTime: '0.01' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    const raw = { server: { port: 0, host: '127.0.0.1' }, sources: [{ id: 'pv', vendor: 'portal', baseUrl: url, authId: 'A'.repeat(24), authKey: 'K'.repeat(24), pbxId: '1' }] };
    gateway = await startGateway({ config: parseConfig(raw, VENDORS, {}), vendors: VENDORS, logger: createLogger({ level: 'warn', destination: sink }) });
  });
  after(async () => {
    await gateway.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('the readable records are served, the source gets one VENDOR_BAD_RESPONSE, the log names the field', async () => {
    const r = await post(gateway, '{ extensions(pbx: "pv", first: 10) { edges { node { number status } } } }');
    assert.deepEqual(r.data.extensions.edges.map((e: any) => [e.node.number, e.node.status]), [['100', 'AVAILABLE'], ['102', 'AVAILABLE']]);
    assert.deepEqual(r.errors.map((e: any) => [e.extensions.code, e.extensions.pbx, e.path]), [['VENDOR_BAD_RESPONSE', 'pv', undefined]]);
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'vendor records dropped: they do not parse');
    assert.deepEqual([warn.source, warn.endpoint, warn.fields], ['pv', 'get/extensions', ['result.1.number']]);
  });

  test('a key looked up in that answer and not found is the vendor’s fault, not NOT_FOUND', async () => {
    // Two nodes of one source in one request: one batch, answered from the list.
    const r = await post(gateway, 'query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Extension { number } } b: node(id: $b) { ... on Extension { number } } }', {
      a: encodeId('Extension', 'pv', '100'),
      b: encodeId('Extension', 'pv', '101'),
    });
    assert.deepEqual(r.data.a, { number: '100' });
    assert.equal(r.data.b, null);
    assert.ok(r.errors.length > 0 && r.errors.every((e: any) => e.extensions.code === 'VENDOR_BAD_RESPONSE'), JSON.stringify(r.errors));
  });
});
