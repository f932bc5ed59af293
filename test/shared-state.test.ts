import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../src/core/config.ts';
import { SingleFlightCache } from '../src/core/shared-cache.ts';
import { sharedFill, type Filled } from '../src/core/shared-fill.ts';
import { MemoryKeyValueStore, type KeyValueStore } from '../src/core/stores.ts';
import { TokenCache } from '../src/core/token.ts';
import { VENDORS } from '../src/vendors/registry.ts';

/** A store whose backend is away: every call is refused at once, as RedisStores does. */
const downStore: KeyValueStore = {
  get: () => Promise.reject(new Error('down')),
  set: () => Promise.reject(new Error('down')),
  setIfAbsent: () => Promise.reject(new Error('down')),
  delete: () => Promise.reject(new Error('down')),
};

describe('tokens shared between replicas (TokenCache over a KeyValueStore)', () => {
  it('replicas asking at once log in once and use the same token', async () => {
    const kv = new MemoryKeyValueStore();
    let logins = 0;
    const login = async () => {
      logins++;
      await new Promise((r) => setTimeout(r, 20));
      return { token: `t${logins}`, lifetimeMs: 60_000 };
    };
    const replicas = Array.from({ length: 3 }, () => new TokenCache({ login, shared: { kv, key: 'src:token' } }));
    const tokens = await Promise.all(replicas.flatMap((r) => [r.token(), r.token()]));
    assert.equal(logins, 1);
    assert.deepEqual(new Set(tokens), new Set(['t1']));
    kv.close();
  });

  it('a refused token is not taken back from the store: one replica logs in again, the others follow', async () => {
    const kv = new MemoryKeyValueStore();
    let logins = 0;
    const login = async () => ({ token: `t${++logins}`, lifetimeMs: 60_000 });
    const [a, b] = [new TokenCache({ login, shared: { kv, key: 'k' } }), new TokenCache({ login, shared: { kv, key: 'k' } })];
    assert.equal(await a.token(), 't1');
    let calls = 0;
    const refusedOnce = (token: string) => (token === 't1' ? Promise.reject(new Error('expired')) : Promise.resolve(`ok with ${token} (${++calls})`));
    assert.equal(await b.use(refusedOnce, () => true), 'ok with t2 (1)');
    assert.equal(logins, 2);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await new TokenCache({ login, shared: { kv, key: 'k' } }).token(), 't2');
    assert.equal(logins, 2);
    kv.close();
  });

  it('a token near its expiry in the store is renewed by one replica', async () => {
    let now = 1_000_000;
    const kv = new MemoryKeyValueStore(() => now);
    let logins = 0;
    const login = async () => ({ token: `t${++logins}`, lifetimeMs: 10_000 });
    const a = new TokenCache({ login, now: () => now, marginMs: 1000, shared: { kv, key: 'k' } });
    const b = new TokenCache({ login, now: () => now, marginMs: 1000, shared: { kv, key: 'k' } });
    assert.equal(await a.token(), 't1');
    assert.equal(await b.token(), 't1');
    now += 9_500;
    assert.equal(await b.token(), 't2');
    assert.equal(await a.token(), 't2');
    assert.equal(logins, 2);
    kv.close();
  });

  it('the store away: each replica logs in on its own, no error', async () => {
    let logins = 0;
    const login = async () => ({ token: `t${++logins}`, lifetimeMs: 60_000 });
    const a = new TokenCache({ login, shared: { kv: downStore, key: 'k' } });
    const b = new TokenCache({ login, shared: { kv: downStore, key: 'k' } });
    assert.equal(await a.token(), 't1');
    assert.equal(await b.token(), 't2');
    assert.equal(await a.token(), 't1');
  });
});

describe('whole-list answers shared between replicas (SingleFlightCache over a KeyValueStore)', () => {
  it('within the window, one replica loads and the others read its answer; the window ends together', async () => {
    let now = 0;
    const kv = new MemoryKeyValueStore(() => now);
    const space = { kv, prefix: 'src:list:' };
    const [a, b] = [new SingleFlightCache<number[]>(1000, () => now, space), new SingleFlightCache<number[]>(1000, () => now, space)];
    let loads = 0;
    const load = async () => [++loads, 2, 3];
    assert.deepEqual(await a.get('all', load), [1, 2, 3]);
    now += 400;
    assert.deepEqual(await b.get('all', load), [1, 2, 3]);
    assert.equal(loads, 1);
    now += 700; // past the expiry a set at t=0, although b read its copy at t=400
    assert.deepEqual(await b.get('all', load), [2, 2, 3]);
    assert.deepEqual(await a.get('all', load), [2, 2, 3]);
    assert.equal(loads, 2);
    kv.close();
  });

  it('clear() forgets the shared answer too; close() only this replica\'s', async () => {
    const kv = new MemoryKeyValueStore();
    const space = { kv, prefix: 'p:' };
    const [a, b] = [new SingleFlightCache<string>(60_000, Date.now, space), new SingleFlightCache<string>(60_000, Date.now, space)];
    let loads = 0;
    const load = async () => `v${++loads}`;
    await a.get('all', load);
    a.close();
    assert.equal(await b.get('all', load), 'v1');
    a.clear();
    await new Promise((r) => setTimeout(r, 1));
    b.close();
    assert.equal(await b.get('all', load), 'v2');
    kv.close();
  });

  it('the store away: answers come from the vendor, failures are not cached', async () => {
    const cache = new SingleFlightCache<string>(60_000, Date.now, { kv: downStore, prefix: 'p:' });
    await assert.rejects(cache.get('all', () => Promise.reject(new Error('vendor down'))), /vendor down/);
    assert.equal(await cache.get('all', async () => 'fresh'), 'fresh');
    assert.equal(await cache.get('all', async () => 'not again'), 'fresh');
  });
});

describe('sharedFill', () => {
  it('a fill that fails is not queued behind: the waiting replicas each try once, and no one twice', async () => {
    const kv = new MemoryKeyValueStore();
    let running = 0;
    let most = 0;
    let calls = 0;
    const failing = async (): Promise<Filled<string>> => {
      calls++;
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 60));
      running--;
      throw new Error('vendor down');
    };
    const results = await Promise.allSettled([0, 1, 2].map(() => sharedFill({ kv, key: 'k' }, failing, (v) => v)));
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    assert.equal(calls, 3);
    assert.equal(most, 2, 'after the first filler failed, the other two tried at the same time');
    kv.close();
  });
});

describe('redis configuration', () => {
  const raw = { sources: [{ id: 'v', vendor: 'vitalpbx', baseUrl: 'http://127.0.0.1:1', appKey: 'k', tenant: '1' }] };
  it('absent: no Redis (everything in memory)', () => {
    assert.equal(parseConfig(raw, VENDORS, {}).redis, undefined);
  });
  it('redis.url with the default prefix, or REDIS_URL alone', () => {
    assert.deepEqual(parseConfig({ ...raw, redis: { url: 'redis://cache:6379/0' } }, VENDORS, {}).redis, { url: 'redis://cache:6379/0', prefix: 'pbx-graph' });
    assert.deepEqual(parseConfig({ ...raw, redis: { prefix: 'eu-1' } }, VENDORS, { REDIS_URL: 'rediss://cache:6380' }).redis, { url: 'rediss://cache:6380', prefix: 'eu-1' });
  });
  it('a URL that is not redis:// is refused without showing it', () => {
    assert.throws(() => parseConfig(raw, VENDORS, { REDIS_URL: 'http://user:secret@cache' }), (err: Error) => err instanceof ConfigError && /REDIS_URL/.test(err.message) && !err.message.includes('secret'));
    assert.throws(() => parseConfig({ ...raw, redis: { url: 'cache:6379' } }, VENDORS, {}), /redis\.url: must be a redis/);
  });
});
