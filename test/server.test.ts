import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codes, startStack, type TestStack } from './helpers.ts';

describe('the HTTP server', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['vitalpbx'], size: 5 });
  });
  after(() => stack.close());

  test('/health answers without touching a vendor', async () => {
    stack.reset();
    const res = await fetch(stack.gateway.url.replace('/graphql', '/health'));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).status, 'ok');
    assert.equal(stack.sims.get('vitalpbx')!.totalRequests(), 0);
  });

  test('/metrics counts vendor calls, errors and latency per source', async () => {
    await stack.gql(`{ extensions(pbx: "vital-hq", first: 1) { edges { node { number } } } }`);
    const text = await (await fetch(stack.gateway.url.replace('/graphql', '/metrics'))).text();
    assert.match(text, /pbxgraph_vendor_calls_total\{source="vital-hq"\} [1-9]/);
    assert.match(text, /pbxgraph_vendor_call_duration_seconds_count\{source="vital-hq"\} [1-9]/);
    assert.match(text, /# TYPE pbxgraph_vendor_errors_total counter/);
  });

  test('a browser gets the Apollo Sandbox landing page', async () => {
    const res = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /sandbox/i);
  });

  test('CSRF prevention blocks a simple GET query without a preflight header', async () => {
    const res = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ pbxes { id } }')}`);
    assert.equal(res.status, 400);
    const ok = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ pbxes { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    assert.equal(ok.status, 200);
  });

  test('malformed JSON and unknown paths', async () => {
    const bad = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{ nope' });
    assert.equal(bad.status, 400);
    const nf = await fetch(stack.gateway.url.replace('/graphql', '/nope'));
    assert.equal(nf.status, 404);
  });

  test('Federation 2 subgraph: the SDL has the Extension entity and _entities resolves it', async () => {
    const sdl = await stack.gql(`{ _service { sdl } }`);
    assert.match(sdl.data._service.sdl, /type Extension implements Node\s+@key\(fields: "id"\)/);
    assert.match(sdl.data._service.sdl, /federation\/v2/);
    const id = Buffer.from('Extension:vital-hq:2').toString('base64url');
    const missing = Buffer.from('Extension:vital-hq:999').toString('base64url');
    const r = await stack.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Extension { id number } } }`, {
      r: [{ __typename: 'Extension', id }, { __typename: 'Extension', id: missing }],
    });
    assert.equal(r.data._entities[0].number, '101');
    assert.equal(r.data._entities[1], null);
    assert.deepEqual(codes(r), ['NOT_FOUND']);
  });

  test('pbxes lists the source with its capabilities', async () => {
    const r = await stack.gql(`{ pbxes { id sourceId vendor name capabilities health { ok } } }`);
    assert.equal(r.errors, undefined);
    assert.equal(r.data.pbxes[0].vendor, 'vitalpbx');
    assert.ok(r.data.pbxes[0].capabilities.includes('DEVICES'));
    assert.ok(!r.data.pbxes[0].capabilities.includes('STATUS'));
    assert.equal(r.data.pbxes[0].health.ok, true);
  });

  test('first outside 1..500 is BAD_USER_INPUT', async () => {
    assert.deepEqual(codes(await stack.gql(`{ extensions(first: 501) { edges { cursor } } }`)), ['BAD_USER_INPUT']);
    assert.deepEqual(codes(await stack.gql(`{ extensions(first: 0) { edges { cursor } } }`)), ['BAD_USER_INPUT']);
    assert.deepEqual(codes(await stack.gql(`{ extensions(after: "bogus") { edges { cursor } } }`)), ['BAD_USER_INPUT']);
  });
});

function runMain(args: string[], env: Record<string, string>): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: new URL('../', import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('the process', () => {
  test('bad configuration fails fast, naming the field and value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxg-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ sources: [{ id: 'x', vendor: 'nope', baseUrl: 'http://x' }] }));
    const run = runMain(['--config', file], {});
    assert.equal(await run.exited, 1);
    assert.match(run.output(), /sources\[0\]\.vendor: unknown vendor \(value: "nope"\)/);
  });

  test('the demo starts with no configuration and stops gracefully on SIGTERM', async () => {
    const run = runMain([], { PORT: '0', PBX_GRAPH_CONFIG: '' });
    const deadline = Date.now() + 20_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /Apollo Sandbox: (\S+)/.exec(run.output())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(url, `demo did not start: ${run.output()}`);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ pbxes { vendor } }' }) });
    const body = (await res.json()) as any;
    assert.ok(body.data.pbxes.length >= 1);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /shutting down/);
  });
});
