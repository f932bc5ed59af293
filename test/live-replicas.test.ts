import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../src/core/config.ts';
import { silentLogger } from '../src/core/logger.ts';
import { createRedisStores, type RedisStores } from '../src/core/redis-stores.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { startGateway, type Gateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';
import { collect, liveClient, served, sleep, waitFor, type LiveClient } from './live-helpers.ts';
import { redisUnavailable, startRedisServer, type RedisServer } from './redis-server.ts';

const skip = redisUnavailable();
const INTERVAL = 150;
const STATUS = 'subscription { extensionStatusChanged(pbx: "portsip-demo", numbers: ["1000"]) { extension { number } previousStatus status } }';

describe('live status across two replicas over one Redis', { skip: skip ?? false }, () => {
  let redis: RedisServer;
  let sim: SimulatorHandle;
  const gateways: Gateway[] = [];
  const stores: RedisStores[] = [];
  const clients: LiveClient[] = [];

  before(async () => {
    redis = await startRedisServer();
    const mod = VENDORS.get('portsip')!;
    sim = await mod.startSimulator({ size: 10 });
    const raw = { server: { port: 0, host: '127.0.0.1' }, sources: mod.demoSources(sim).map((s) => ({ ...s, timeoutMs: 2000, watchIntervalMs: INTERVAL })) };
    for (let i = 0; i < 2; i++) {
      const s = await createRedisStores({ url: redis.url, prefix: 'live-replicas-test', logger: silentLogger(), commandTimeoutMs: 1000, backoffMs: 200 });
      stores.push(s);
      gateways.push(await startGateway({ config: parseConfig(raw, VENDORS, {}), vendors: VENDORS, logger: silentLogger(), stores: s }));
    }
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(stores.map((s) => s.close()));
    await sim?.close();
    await redis?.stop();
  });

  it('one replica polls the source; a change reaches the subscribers of both, once each', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const ca = liveClient(a);
    const cb = liveClient(b);
    clients.push(ca, cb);
    const onA = collect(ca, STATUS);
    const onB = collect(cb, STATUS);
    await waitFor(() => served(sim.requests, 'extensions/status') > 0, 5000, 'the first poll');
    await sleep(INTERVAL * 2);
    // Two replicas with subscribers, one watcher: one status batch per interval, not two.
    sim.resetCounters();
    await sleep(INTERVAL * 8);
    const polls = served(sim.requests, 'extensions/status');
    assert.ok(polls >= 5 && polls <= 9, `${polls} status calls in 8 intervals`);

    sim.setStatus!('1000', 'ON_CALL');
    await waitFor(() => onA.events.length > 0 && onB.events.length > 0, INTERVAL + 2000, 'the events');
    await sleep(INTERVAL * 3);
    for (const s of [onA, onB]) {
      assert.deepEqual(s.errors, []);
      assert.deepEqual(s.events, [{ extensionStatusChanged: { extension: { number: '1000' }, previousStatus: 'AVAILABLE', status: 'ON_CALL' } }]);
    }
    onA.stop();
    onB.stop();
  });
});
