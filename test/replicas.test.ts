import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../src/core/config.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createRedisStores, type RedisStores } from '../src/core/redis-stores.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { pbxQ1c, VENDOR_ORDER } from '../bench/queries.ts';
import { redisUnavailable, startRedisServer, type RedisServer } from './redis-server.ts';

const skip = redisUnavailable();
/** The cache window of the whole-list answers in this test, ms: longer than any run of the test (a new window starts by clearing). */
const WINDOW_MS = 60_000;

describe('two replicas over one Redis', { skip: skip ?? false }, () => {
  let redis: RedisServer;
  const sims = new Map<string, SimulatorHandle>();
  let raw: Record<string, unknown>;
  let ids: Record<string, string>;
  const gateways: Gateway[] = [];
  const stores: RedisStores[] = [];

  /** A replica: its own gateway and its own Redis connections, the deployment's prefix. */
  async function replica(shared = true): Promise<Gateway> {
    const config = parseConfig(raw, VENDORS, {});
    const s = shared ? await createRedisStores({ url: redis.url, prefix: 'replicas-test', logger: silentLogger(), commandTimeoutMs: 1000, backoffMs: 200 }) : undefined;
    if (s) stores.push(s);
    const gw = await startGateway({ config, vendors: VENDORS, logger: silentLogger(), ...(s ? { stores: s } : {}) });
    gateways.push(gw);
    return gw;
  }

  async function dashboard(gw: Gateway): Promise<{ status: number; body: any }> {
    const res = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pbxQ1c(ids)) });
    return { status: res.status, body: await res.json() };
  }

  const callsBySim = () => Object.fromEntries([...sims].map(([v, s]) => [v, s.totalRequests()]));
  const reset = () => {
    for (const s of sims.values()) s.resetCounters();
  };
  const logins = () => ({
    telecomx: (sims.get('telecomx') as SimulatorHandle & { logins(): number }).logins(),
    portsip: [...sims.get('portsip')!.requests].filter(([k]) => /verify/.test(k)).reduce((n, [, c]) => n + c, 0),
  });
  /** Starts a new cache window on every replica (what the refreshPbx mutation does), here and in Redis. */
  const nextWindow = async () => {
    for (const g of gateways) for (const s of g.sources) s.forget();
    await new Promise((r) => setTimeout(r, 50));
  };

  before(async () => {
    redis = await startRedisServer();
    const sources: Record<string, unknown>[] = [];
    ids = {};
    for (const v of VENDOR_ORDER) {
      const mod = VENDORS.get(v)!;
      const sim = await mod.startSimulator({ size: 10 });
      sims.set(v, sim);
      for (const s of mod.demoSources(sim)) {
        ids[v] = String(s['id']);
        sources.push({ ...s, timeoutMs: 2000, ...(v === 'vitalpbx' || v === 'portal' ? { listCacheMs: WINDOW_MS } : {}), ...(v === 'portsip' ? { groupCacheMs: WINDOW_MS } : {}) });
      }
    }
    raw = { server: { port: 0, host: '127.0.0.1' }, sources };
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all([...sims.values()].map((s) => s.close()));
    await redis?.stop();
  });

  it('log in to each vendor exactly once in total, even when both start answering at once', async () => {
    const [a, b] = [await replica(), await replica()];
    reset();
    const answers = await Promise.all([dashboard(a), dashboard(b), dashboard(a), dashboard(b)]);
    for (const r of answers) {
      assert.equal(r.status, 200);
      assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
    }
    await dashboard(b);
    assert.deepEqual(logins(), { telecomx: 1, portsip: 1 });
  });

  it('alternating dashboards within the cache window cost the vendor calls of one replica', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const single = await replica(false);
    await dashboard(single); // its own logins, outside the count
    await nextWindow();
    reset();
    const one = [await dashboard(single), await dashboard(single), await dashboard(single), await dashboard(single)];
    const oneReplica = callsBySim();
    await nextWindow();
    reset();
    const two = [await dashboard(a), await dashboard(b), await dashboard(a), await dashboard(b)];
    const twoReplicas = callsBySim();
    assert.deepEqual(twoReplicas, oneReplica);
    // And the answers are the same answers.
    assert.deepEqual(two.map((r) => r.body.data), one.map((r) => r.body.data));
    // The whole-list vendors were listed once in the window, whichever replica asked.
    assert.equal(sims.get('vitalpbx')!.totalRequests(), 1);
    assert.equal(sims.get('portal')!.totalRequests(), 1);
  });

  it('a source forgotten on one replica (a write, refreshPbx) is forgotten on the other too', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    await nextWindow();
    await dashboard(a);
    await dashboard(b);
    reset();
    const refreshed = await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { refreshPbx(id: "vital-hq") { sourceId } }' }) });
    assert.equal(((await refreshed.json()) as any).data?.refreshPbx?.sourceId, 'vital-hq');
    await new Promise((r) => setTimeout(r, 50));
    await dashboard(b);
    assert.equal(sims.get('vitalpbx')!.totalRequests(), 1, 'B dropped its own copy when A forgot the source');
    await dashboard(a);
    assert.equal(sims.get('vitalpbx')!.totalRequests(), 1, 'the one new list answer serves both');
    assert.equal(sims.get('portal')!.totalRequests(), 0, 'other sources keep their answers');
  });

  it('a mutation with an Idempotency-Key replayed on the other replica gets the first answer, with no vendor call', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const create = (gw: Gateway) =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'replicas-create-1' },
        body: JSON.stringify({
          query: 'mutation C($i: CreateExtensionInput!) { createExtension(input: $i) { extension { id number firstName } } }',
          variables: { i: { pbx: 'portsip-demo', number: '5190', firstName: 'Once', password: 'Only-once-1' } },
        }),
      });
    const first = await create(a);
    const firstBody = (await first.json()) as any;
    assert.equal(firstBody.errors, undefined, JSON.stringify(firstBody.errors));
    reset();
    const replay = await create(b);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(((await replay.json()) as any).data, firstBody.data);
    assert.deepEqual(callsBySim(), { vitalpbx: 0, portsip: 0, telecomx: 0, etelecom: 0, portal: 0 });
  });

  it('Redis stopped mid-run: every answer still comes, from the vendors, with no 5xx; counted in /metrics', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const statuses: number[] = [];
    const failures: unknown[] = [];
    let stopped: Promise<void> | undefined;
    const ask = async (i: number) => {
      const r = await dashboard(i % 2 ? b : a);
      statuses.push(r.status);
      if (r.body.errors || !r.body.data?.vitalpbx?.extensions?.edges?.length) failures.push(r.body.errors ?? r.body);
    };
    for (let i = 0; i < 12; i++) {
      if (i === 4) stopped = redis.stop();
      await ask(i);
    }
    await stopped;
    // Past the window each replica lists again: the shared answer is out of reach, the vendor answers.
    await nextWindow();
    reset();
    for (let i = 0; i < 4; i++) await ask(i);
    assert.equal(sims.get('vitalpbx')!.totalRequests(), 2, 'one list per replica while they cannot share');
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.deepEqual(failures, []);
    const metrics = await (await fetch(a.url.replace('/graphql', '/metrics'))).text();
    assert.match(metrics, /pbxgraph_store_up 0/);
    assert.match(metrics, /pbxgraph_store_errors_total\{op="get"\} [1-9]/);
    // A mutation with an Idempotency-Key runs without its record rather than fail (logged, counted).
    const write = await fetch(b.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'replicas-while-down-1' },
      body: JSON.stringify({
        query: 'mutation C($i: CreateExtensionInput!) { createExtension(input: $i) { extension { number } } }',
        variables: { i: { pbx: 'portsip-demo', number: '5191', firstName: 'Down', password: 'Only-once-1' } },
      }),
    });
    assert.equal(write.status, 200);
    assert.equal(((await write.json()) as any).data?.createExtension?.extension?.number, '5191');
    // A new login while Redis is away is this replica's own, and still answers.
    (sims.get('telecomx') as SimulatorHandle & { expireTokens(): void }).expireTokens();
    const r = await dashboard(b);
    assert.equal(r.status, 200);
    assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  });
});
