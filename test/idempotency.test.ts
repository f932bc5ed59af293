import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../src/core/ids.ts';
import type { PortsipSimulatorHandle } from '../src/vendors/portsip/simulator.ts';
import { ETELECOM_SIM_HOTLINES } from '../src/vendors/etelecom/simulator.ts';
import { codes, startStack, type GqlResult, type TestStack } from './helpers.ts';

/*
 * Idempotency-Key and ambiguous outcomes: a mutation with a key is answered once; a write whose
 * answer is lost is reconciled with the vendor, and a client retrying it leaves exactly one record.
 */

const WRITER = 'writer-key-0123456789abcdef';
const OTHER = 'other-writer-0123456789abcdef';
const SECRETS = 'secrets-key-0123456789abcdef';
const PS = 'portsip-demo';
const ET = 'etelecom-demo';

const CREATE = `mutation C($i: CreateExtensionInput!) { createExtension(input: $i) { extension { id number firstName } generatedPassword } }`;
const UPDATE = `mutation U($i: UpdateExtensionInput!) { updateExtension(input: $i) { extension { id notes } } }`;

let stack: TestStack;
let portsip: PortsipSimulatorHandle;

before(async () => {
  stack = await startStack({
    vendors: ['portsip', 'etelecom'],
    size: 5,
    // Short enough that a vendor that never answers is given up on quickly.
    sourceOverrides: { portsip: { timeoutMs: 800, breaker: false } },
    extraConfig: {
      apiKeys: [
        { name: 'writer', key: WRITER, scopes: ['read', 'write'] },
        { name: 'other', key: OTHER, scopes: ['read', 'write'] },
        { name: 'secrets', key: SECRETS, scopes: ['read', 'write', 'secrets'] },
      ],
    },
  });
  portsip = stack.sims.get('portsip') as PortsipSimulatorHandle;
  // A first read logs in, so the counts below are the writes' own.
  await send(`{ extensions(pbx: "${PS}", first: 1) { edges { node { id } } } }`, {}, undefined);
});
after(() => stack.close());

/** POSTs an operation with an API key and, when given, an Idempotency-Key; answers the body and headers. */
async function send(query: string, variables: Record<string, unknown>, key: string | undefined, apiKey = WRITER): Promise<GqlResult & { headers: Headers }> {
  const res = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, ...body };
}

const served = () => [...stack.sims.values()].reduce((n, s) => n + s.totalRequests(), 0);
const withoutCalls = (r: GqlResult) => ({ data: r.data, errors: r.errors });

describe('Idempotency-Key', () => {
  test('a replay answers the first answer with no vendor call', async () => {
    const vars = { i: { pbx: PS, number: '5100', firstName: 'Once', password: 'Only-once-1' } };
    const first = await send(CREATE, vars, 'key-replay-1');
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    stack.reset();
    const replay = await send(CREATE, vars, 'key-replay-1');
    assert.deepEqual(withoutCalls(replay), withoutCalls(first));
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.extensions?.['vendorCalls'], {});
    assert.equal(served(), 0);
    const audit = stack.logLines.map((l) => JSON.parse(l)).filter((l) => l.audit === true).at(-1);
    assert.deepEqual([audit.key, audit.operation, audit.outcome, audit.vendorCalls], ['writer', 'createExtension', 'replayed', 0]);
  });

  test('the same key with other variables or another operation is refused, with no vendor call', async () => {
    const vars = { i: { id: encodeId('Extension', PS, '1000'), notes: 'first' } };
    const first = await send(UPDATE, vars, 'key-conflict-1');
    assert.equal(first.errors, undefined);
    stack.reset();
    const other = await send(UPDATE, { i: { id: encodeId('Extension', PS, '1000'), notes: 'second' } }, 'key-conflict-1');
    assert.deepEqual(codes(other), ['BAD_USER_INPUT']);
    assert.match(other.errors![0]!.message, /Idempotency-Key was already used/);
    const otherOp = await send(CREATE, { i: { pbx: PS, number: '5101', firstName: 'X', password: 'Some-pass-1' } }, 'key-conflict-1');
    assert.deepEqual(codes(otherOp), ['BAD_USER_INPUT']);
    assert.equal(served(), 0);
    assert.equal(portsip.record('1000')?.profile?.description, 'first');
  });

  test('keys belong to their API key: another key with the same Idempotency-Key runs its own request', async () => {
    const vars = { i: { id: encodeId('Extension', PS, '101'), notes: 'by writer' } };
    await send(UPDATE, vars, 'key-shared-name');
    stack.reset();
    const other = await send(UPDATE, { i: { id: encodeId('Extension', PS, '101'), notes: 'by other' } }, 'key-shared-name', OTHER);
    assert.equal(other.errors, undefined);
    assert.equal(other.data.updateExtension.extension.notes, 'by other');
    assert.ok(served() > 0);
  });

  test('concurrent duplicates make one vendor write and get one answer', async () => {
    stack.reset();
    const vars = { i: { pbx: PS, number: '5102', firstName: 'Concurrent', password: 'Same-pass-1' } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(CREATE, vars, 'key-concurrent-1')));
    assert.equal(portsip.requests.get('POST /extensions/create'), 1);
    for (const a of answers) assert.deepEqual(withoutCalls(a), withoutCalls(answers[0]!));
    assert.equal(answers[0]!.data.createExtension.extension.number, '5102');
  });

  test('a vendor-generated secret is never replayed', async () => {
    const vars = { i: { pbx: ET, number: '8100', hotlineId: ETELECOM_SIM_HOTLINES[0] } };
    const first = await send(CREATE, vars, 'key-secret-1', SECRETS);
    assert.match(first.data.createExtension.generatedPassword, /^sim-canary-secret-new-/);
    const replay = await send(CREATE, vars, 'key-secret-1', SECRETS);
    assert.equal(replay.data.createExtension.generatedPassword, null);
    assert.deepEqual(replay.data.createExtension.extension, first.data.createExtension.extension);
  });

  test('a mutation without the header runs every time; queries ignore the header', async () => {
    const vars = { i: { id: encodeId('Extension', PS, '102'), notes: 'again' } };
    stack.reset();
    await send(UPDATE, vars, undefined);
    await send(UPDATE, vars, undefined);
    assert.equal(portsip.requests.get('POST /extensions/update'), 2);
    const q = await send(`{ pbxes { sourceId } }`, {}, 'key-query-1');
    assert.equal(q.errors, undefined);
  });
});

describe('ambiguous outcomes', () => {
  test('create, then the vendor never answers: reconciled by number; a client retry with the key leaves exactly one extension', async () => {
    stack.reset();
    portsip.stallAfterHandling('POST /extensions/create', 'hang');
    const vars = { i: { pbx: PS, number: '5200', firstName: 'Ambiguous', password: 'Lost-answer-1' } };
    const first = send(CREATE, vars, 'key-ambiguous-1');
    // The client gives up and retries while the first is still waiting for the vendor.
    await new Promise((r) => setTimeout(r, 200));
    const retry = send(CREATE, vars, 'key-ambiguous-1');
    const [a, b] = await Promise.all([first, retry]);
    assert.equal(a.errors, undefined, JSON.stringify(a.errors));
    assert.equal(a.data.createExtension.extension.number, '5200');
    assert.deepEqual(withoutCalls(b), withoutCalls(a));
    const later = await send(CREATE, vars, 'key-ambiguous-1');
    assert.deepEqual(withoutCalls(later), withoutCalls(a));
    assert.equal(portsip.requests.get('POST /extensions/create'), 1);
    assert.equal(portsip.record('5200')?.profile?.first_name, 'Ambiguous');
  });

  test('a write is never retried: a dropped connection is reconciled, not resent', async () => {
    stack.reset();
    portsip.stallAfterHandling('POST /extensions/create', 'drop');
    const r = await send(CREATE, { i: { pbx: PS, number: '5201', firstName: 'Dropped', password: 'Dropped-pass-1' } }, undefined);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(portsip.requests.get('POST /extensions/create'), 1);
    assert.equal(portsip.requests.get('GET /extensions/show'), 2);
  });

  test('delete whose answer is lost: gone at the vendor, so it succeeded', async () => {
    portsip.stallAfterHandling('POST /extensions/remove', 'drop');
    const id = encodeId('Extension', PS, '5201');
    const r = await send(`mutation($i: DeleteExtensionInput!) { deleteExtension(input: $i) { deletedId } }`, { i: { id } }, undefined);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.deleteExtension.deletedId, id);
    assert.equal(portsip.record('5201'), undefined);
  });

  test('an outcome the vendor cannot tell is UPSTREAM_OUTCOME_UNKNOWN, not kept: the retry runs again and makes one extension', async () => {
    const vars = { i: { pbx: PS, number: '5202', firstName: 'Unknown', password: 'Unknown-pass-1' } };
    portsip.setFault('error500');
    const first = await send(CREATE, vars, 'key-unknown-1');
    portsip.setFault('none');
    assert.deepEqual(codes(first), ['UPSTREAM_OUTCOME_UNKNOWN']);
    assert.equal(portsip.record('5202'), undefined);
    const retry = await send(CREATE, vars, 'key-unknown-1');
    assert.equal(retry.errors, undefined, JSON.stringify(retry.errors));
    assert.equal(retry.data.createExtension.extension.number, '5202');
    const again = await send(CREATE, vars, 'key-unknown-1');
    assert.deepEqual(withoutCalls(again), withoutCalls(retry));
  });
});
