import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryKeyValueStore, MemoryLeases, MemoryPubSub } from '../src/core/stores.ts';

describe('in-memory stores', () => {
  it('key-value entries expire and setIfAbsent sets once', async () => {
    let now = 1000;
    const kv = new MemoryKeyValueStore(() => now);
    assert.equal(await kv.setIfAbsent('k', 'a', 100), true);
    assert.equal(await kv.setIfAbsent('k', 'b', 100), false);
    assert.equal(await kv.get('k'), 'a');
    now += 100;
    assert.equal(await kv.get('k'), undefined);
    assert.equal(await kv.setIfAbsent('k', 'c', 100), true);
    await kv.delete('k');
    assert.equal(await kv.get('k'), undefined);
    kv.close();
  });

  it('setIfAbsent called many times at once sets once', async () => {
    const kv = new MemoryKeyValueStore();
    const wins = await Promise.all(Array.from({ length: 5 }, (_, i) => kv.setIfAbsent('k', String(i), 1000)));
    assert.deepEqual(wins, [true, false, false, false, false]);
    assert.equal(await kv.get('k'), '0');
    kv.close();
  });

  it('a lease has one holder until it lapses', async () => {
    let now = 0;
    const leases = new MemoryLeases(() => now);
    assert.equal(await leases.acquire('w', 'a', 1000), true);
    assert.equal(await leases.acquire('w', 'b', 1000), false);
    assert.equal(await leases.acquire('w', 'a', 1000), true);
    now += 1000;
    assert.equal(await leases.acquire('w', 'b', 1000), true);
    await leases.release('w', 'a');
    assert.equal(await leases.acquire('w', 'a', 1000), false);
    await leases.release('w', 'b');
    assert.equal(await leases.acquire('w', 'a', 1000), true);
  });

  it('pub/sub delivers to current subscribers only', async () => {
    const ps = new MemoryPubSub();
    const got: string[] = [];
    const off = await ps.subscribe('c', (m) => got.push(m));
    await ps.publish('c', 'one');
    await new Promise((r) => setImmediate(r));
    await off();
    await ps.publish('c', 'two');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['one']);
  });
});

describe('in-memory key-value store under concurrency', () => {
  it('setIfAbsent: of many callers at once, exactly one wins', async () => {
    const kv = new MemoryKeyValueStore();
    const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => kv.setIfAbsent('k', String(i), 1000)));
    assert.equal(wins.filter(Boolean).length, 1);
    kv.close();
  });
});
