import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BatchFn, SourceAdapter, SourceOperations } from '../src/core/adapter.ts';
import { parseConfig } from '../src/core/config.ts';
import { LOADS, type LoadDeclaration } from '../src/core/fields.ts';
import { silentLogger } from '../src/core/logger.ts';
import { newRequestScope } from '../src/core/request-scope.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import type { Capability, Extension } from '../src/domain/types.ts';
import { createAdapters } from '../src/server/app.ts';
import { WRITE_METHODS } from '../src/core/writes.ts';
import { VENDORS } from '../src/vendors/registry.ts';

/*
 * The contract every source adapter keeps, whatever its vendor, checked over each registered
 * vendor's simulator: adding a vendor adds it to this suite with no change here.
 */

const DECLARED = Object.entries(LOADS) as [string, LoadDeclaration][];

/** Per capability, the operations that serve it (or, for list-carried data, may be absent): core/fields.ts. */
const SERVED_BY: Partial<Record<Capability, (keyof SourceOperations)[]>> = {};
for (const [, load] of DECLARED) if (load.capability) (SERVED_BY[load.capability] ??= []).push(load.method);
// Every group of a source is also listed whole (not a batch).
SERVED_BY.GROUPS?.push('listGroups');

/** What a record carries for a list-carried capability: core/fields.ts. */
const CARRIED: Partial<Record<Capability, (e: Extension) => unknown>> = {};
for (const [, load] of DECLARED) if (load.capability && load.carried) CARRIED[load.capability] ??= load.carried;

/** The batch operations keyed by extension id: every one but those a kind's values lead to (group ids: groups). */
const FOLLOWED = new Set(DECLARED.map(([, load]) => load.next).filter((k) => k !== undefined));
const BY_EXTENSION = DECLARED.filter(([kind, load]) => load.capability && !FOLLOWED.has(kind)).map(([, load]) => load.method);

for (const mod of VENDORS.values()) {
  describe(`adapter contract: ${mod.vendor}`, () => {
    let sim: SimulatorHandle;
    let adapter: SourceAdapter;
    let page: Extension[];
    before(async () => {
      sim = await mod.startSimulator({ size: 30, latencyMs: 0 });
      const config = parseConfig({ sources: mod.demoSources(sim).slice(0, 1) }, VENDORS, {});
      adapter = createAdapters(config.sources, { vendors: VENDORS, logger: silentLogger() })[0]!;
      page = (await adapter.listExtensions({ first: 20 })).items.map((i) => i.node);
    });
    after(async () => {
      await adapter.close();
      await sim.close();
    });

    test('a list page: records of this source, distinct valid ids, cursors that page on', async () => {
      assert.equal(page.length, 20);
      assert.ok(page.every((e) => e.sourceId === adapter.id));
      assert.equal(new Set(page.map((e) => e.vendorId)).size, page.length);
      assert.ok(page.every((e) => adapter.isValidExtensionId(e.vendorId)), 'a listed id fails isValidExtensionId');
      const first = await adapter.listExtensions({ first: 5 });
      const next = await adapter.listExtensions({ first: 5, after: first.items.at(-1)!.cursor });
      assert.deepEqual(next.items.map((i) => i.node.vendorId), page.slice(5, 10).map((e) => e.vendorId));
    });

    test('every batch function answers one result per key, in key order, an Error for a missing key', async () => {
      const ids = [page[3]!.vendorId, page[0]!.vendorId, page[7]!.vendorId];
      // An id of the vendor's syntax that names nothing.
      const missing = page.map((e) => e.vendorId).reduce((a, b) => (a.length >= b.length ? a : b)).replace(/[0-9a-f]$/i, (c) => (c === '9' ? '8' : '9'));
      const exists = page.some((e) => e.vendorId === missing);
      for (const name of ['loadExtensions', 'loadExtensionRefs'] as const) {
        const fn = adapter[name] as BatchFn<Extension> | undefined;
        if (!fn) continue;
        const out = await fn.call(adapter, ids);
        assert.deepEqual(out.map((e) => (e instanceof Error ? 'error' : e.vendorId)), ids, name);
        if (!exists) {
          const withMissing = await fn.call(adapter, [ids[0]!, missing]);
          assert.equal(withMissing.length, 2, name);
          assert.ok(withMissing[1] instanceof Error, `${name}: a missing key must be an Error in its slot`);
        }
      }
      for (const name of BY_EXTENSION) {
        const fn = adapter[name] as BatchFn<unknown> | undefined;
        if (!fn) continue;
        const out = await fn.call(adapter, ids);
        assert.equal(out.length, ids.length, name);
      }
    });

    test('a method is present exactly when its capability is', () => {
      for (const [cap, methods] of Object.entries(SERVED_BY) as [Capability, (keyof SourceOperations)[]][]) {
        const has = methods.some((m) => adapter[m] !== undefined);
        if (adapter.capabilities.has(cap)) {
          assert.ok(has || adapter.listCarries.has(cap), `${cap} claimed but nothing serves it`);
        } else {
          assert.ok(!has, `${cap} not claimed but ${methods.join('/')} present`);
        }
      }
      assert.equal(adapter.capabilities.has('EXTENSION_LIST'), true);
      for (const cap of adapter.listCarries) assert.ok(adapter.capabilities.has(cap), `${cap} carried but not a capability`);
    });

    test('a write method is present exactly when its write capability is', () => {
      const writes = adapter.writes?.(undefined);
      for (const [cap, methods] of Object.entries(WRITE_METHODS) as [Capability, string[]][]) {
        for (const m of methods) {
          const has = typeof (writes as Record<string, unknown> | undefined)?.[m] === 'function';
          assert.equal(has, adapter.capabilities.has(cap), `${cap}: ${m} ${has ? 'present but not claimed' : 'claimed but absent'}`);
        }
      }
    });

    test('list records carry what listCarries says', () => {
      for (const cap of adapter.listCarries) {
        const read = CARRIED[cap];
        assert.ok(read, `no reader for ${cap}`);
        assert.ok(page.every((e) => read(e) !== undefined), `${cap} is declared carried but a listed record lacks it`);
      }
    });

    test('forRequest: the same operations, their vendor calls counted in the request scope', async () => {
      const scope = newRequestScope();
      const ops = adapter.forRequest(scope);
      for (const k of Object.keys(ops) as (keyof SourceOperations)[]) assert.equal(typeof ops[k], typeof adapter[k], k);
      const before = sim.totalRequests();
      const scoped = await ops.listExtensions({ first: 3 });
      assert.deepEqual(scoped.items.map((i) => i.node.vendorId), page.slice(0, 3).map((e) => e.vendorId));
      assert.equal(scope.vendorCalls.get(adapter.id) ?? 0, sim.totalRequests() - before);
    });
  });
}
