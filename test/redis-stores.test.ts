import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../src/core/logger.ts';
import { createRedisStores, StoreUnavailableError, type RedisStores } from '../src/core/redis-stores.ts';
import type { StoreObserver } from '../src/core/stores.ts';
import { redisUnavailable, startRedisServer, type RedisServer } from './redis-server.ts';

const skip = redisUnavailable();

describe('Redis stores (a real redis-server)', { skip: skip ?? false }, () => {
  let redis: RedisServer;
  const opened: RedisStores[] = [];
  const open = async (prefix = 'test') => {
    const s = await createRedisStores({ url: redis.url, prefix, logger: silentLogger(), commandTimeoutMs: 200, backoffMs: 100 });
    opened.push(s);
    return s;
  };
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await redis?.stop();
  });

  it('key-value entries are shared between replicas, expire, and are set once by setIfAbsent', async () => {
    const [a, b] = [await open(), await open()];
    await a.kv.set('k', 'v1', 10_000);
    assert.equal(await b.kv.get('k'), 'v1');
    assert.equal(await a.kv.setIfAbsent('once', 'a', 10_000), true);
    assert.equal(await b.kv.setIfAbsent('once', 'b', 10_000), false);
    assert.equal(await b.kv.get('once'), 'a');
    await b.kv.set('short', 'x', 50);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await a.kv.get('short'), undefined);
    await a.kv.delete('k');
    assert.equal(await b.kv.get('k'), undefined);
  });

  it('a deployment prefix keeps deployments apart', async () => {
    const [a, other] = [await open('deploy-a'), await open('deploy-b')];
    await a.kv.set('token', 'A', 10_000);
    assert.equal(await other.kv.get('token'), undefined);
  });

  it('a lease has one holder across replicas, is renewed by it, released only by it, and lapses', async () => {
    const [a, b] = [await open(), await open()];
    assert.equal(await a.leases.acquire('watch:src', 'replica-a', 150), true);
    assert.equal(await b.leases.acquire('watch:src', 'replica-b', 150), false);
    assert.equal(await a.leases.acquire('watch:src', 'replica-a', 150), true, 'the holder renews');
    await b.leases.release('watch:src', 'replica-b');
    assert.equal(await b.leases.acquire('watch:src', 'replica-b', 150), false, 'a non-holder cannot release it');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await b.leases.acquire('watch:src', 'replica-b', 150), true, 'taken over once it lapses');
    await b.leases.release('watch:src', 'replica-b');
    assert.equal(await a.leases.acquire('watch:src', 'replica-a', 150), true);
    // Twenty contenders over four connections race for a free lease: exactly one wins.
    const racers = await Promise.all(Array.from({ length: 4 }, () => open()));
    const wins = await Promise.all(racers.flatMap((s, i) => Array.from({ length: 5 }, (_, j) => s.leases.acquire('race', `r${i}-${j}`, 5000))));
    assert.equal(wins.filter(Boolean).length, 1);
  });

  it('a watcher lease moves to another replica when its holder stops (no renewal, no release)', async () => {
    const [a, b] = [await open(), await open()];
    assert.equal(await a.leases.acquire('watcher:pbx-1', 'replica-a', 200), true);
    assert.equal(await b.leases.acquire('watcher:pbx-1', 'replica-b', 200), false);
    await a.close(); // the replica dies: its connections go, the lease stays until its TTL
    let takenAfterMs = -1;
    const started = performance.now();
    while (performance.now() - started < 2000) {
      if (await b.leases.acquire('watcher:pbx-1', 'replica-b', 200)) {
        takenAfterMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(takenAfterMs >= 0, 'taken over');
  });

  it('a message published on one replica reaches the subscribers of every replica', async () => {
    const [a, b] = [await open(), await open()];
    const got: string[] = [];
    const stopA = await a.pubsub.subscribe('changes', (m) => got.push(`a:${m}`));
    const stopB = await b.pubsub.subscribe('changes', (m) => got.push(`b:${m}`));
    await a.pubsub.publish('changes', 'hello');
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got.sort(), ['a:hello', 'b:hello']);
    await stopB();
    await b.pubsub.publish('changes', 'again');
    for (let i = 0; i < 50 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got.sort(), ['a:again', 'a:hello', 'b:hello']);
    await stopA();
  });

  it('Redis stopped: calls fail fast and are counted, publish still reaches local subscribers; back when Redis is', async () => {
    const s = await open();
    const errors: string[] = [];
    const states: boolean[] = [];
    const observer: StoreObserver = { onStoreError: (op) => errors.push(op), onStoreState: (up) => states.push(up) };
    s.observe(observer);
    const got: string[] = [];
    await s.pubsub.subscribe('feed', (m) => got.push(m));
    await redis.stop();
    for (let i = 0; i < 100 && s.up; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.up, false);
    const started = performance.now();
    await assert.rejects(s.kv.get('k'), StoreUnavailableError);
    await assert.rejects(s.leases.acquire('l', 'h', 1000), StoreUnavailableError);
    assert.ok(performance.now() - started < 50, 'no waiting on a Redis that is away');
    await s.pubsub.publish('feed', 'local');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['local']);
    assert.deepEqual(errors, ['get', 'leaseAcquire', 'publish']);
    await redis.start();
    for (let i = 0; i < 300 && !s.up; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(s.up, true, 'reconnected');
    assert.deepEqual(states, [true, false, true]);
    await s.kv.set('k', 'back', 1000);
    assert.equal(await s.kv.get('k'), 'back');
    // The subscription is restored on the new connection.
    const other = await open();
    for (let i = 0; i < 50; i++) {
      await other.pubsub.publish('feed', 'remote');
      await new Promise((r) => setTimeout(r, 10));
      if (got.includes('remote')) break;
    }
    assert.ok(got.includes('remote'));
  });
});
