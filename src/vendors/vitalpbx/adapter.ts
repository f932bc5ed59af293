import { z } from 'zod';
import { assembleAdapter, type SourceAdapter, type SourceOperations } from '../../core/adapter.ts';
import type { RequestScope } from '../../core/request-scope.ts';
import { eachKey, fromIndex, indexBy } from '../../core/batch.ts';
import { notFound } from '../../core/errors.ts';
import { absentFrom } from '../../core/validate.ts';
import { pageArray } from '../../core/lists.ts';
import { byIdentity, SingleFlightCache } from '../../core/shared-cache.ts';
import { subSpace } from '../../core/shared-fill.ts';
import type { AdapterDeps, BaseSourceConfig } from '../../core/vendor-module.ts';
import type { Capability } from '../../domain/types.ts';
import { classifyVitalAnswer, createVitalClient } from './client.ts';
import { mapCdrSummary, mapDevice, mapExtension, mapQueues, mapVoicemailRecords } from './mappers.ts';
import type { VitalExtension } from './types.ts';

/** VitalPBX's own config keys. */
export const vitalConfigShape = {
  appKey: z.string().min(1),
  tenant: z.string().min(1),
  /** Per-extension calls in flight at once (the API has no batch endpoints). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** How long the whole-tenant list answer is reused, ms (the list has no paging). */
  listCacheMs: z.number().int().min(0).max(600_000).default(5000),
};

/** A validated VitalPBX source. */
export type VitalSourceConfig = BaseSourceConfig & { appKey: string; tenant: string; concurrency: number; listCacheMs: number };

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'EXTENSION_LIST', 'EXTENSION_SEARCH', 'DEVICES', 'QUEUES', 'VOICEMAIL', 'VOICEMAIL_MESSAGES', 'CALL_STATISTICS',
]);

/** The list embeds devices and queues_info. */
const LIST_CARRIES: ReadonlySet<Capability> = new Set<Capability>(['DEVICES', 'QUEUES']);

/** Extension ids are positive integers. */
const ID = /^[1-9][0-9]{0,9}$/;

/** Creates the VitalPBX adapter for one source (one tenant). */
export function createVitalAdapter(cfg: VitalSourceConfig, deps: AdapterDeps): SourceAdapter {
  const http = deps.createHttp({
    sourceId: cfg.id,
    baseUrl: cfg.baseUrl,
    timeoutMs: cfg.timeoutMs,
    headers: { 'app-key': cfg.appKey, tenant: cfg.tenant },
    classify: classifyVitalAnswer,
  });
  // The list has no paging or filter: one answer per tenant, shared by pages and concurrent requests.
  const listCache = new SingleFlightCache<VitalExtension[]>(cfg.listCacheMs, undefined, subSpace(deps.shared, 'list'));
  const missing = (id: string) => notFound(`extension ${id}`, cfg.id);
  // Derived once per cached answer, not once per request: its rows as domain records, its index by id.
  const toDomain = byIdentity((x: VitalExtension) => mapExtension(cfg.id, x));
  const indexOf = byIdentity((all: VitalExtension[]) => indexBy(all, (x) => String(x.extension_id)));

  /** The operations over a client whose calls count against `scope` (none: not tied to a request). */
  function operations(scope: RequestScope | undefined): SourceOperations {
    const client = createVitalClient(http.scoped(scope));
    const list = (fresh?: boolean) => (fresh ? listCache.refresh : listCache.get).call(listCache, 'all', () => client.listExtensions());

    /**
     * With more than one key, one list call answers them all (the list embeds devices and queues);
     * a single key costs one small per-extension call instead.
     */
    function fromListOr<V>(perId: (id: string) => Promise<V>, fromRecord: (x: VitalExtension) => V) {
      const single = eachKey(cfg.concurrency, perId);
      return async (ids: readonly string[]) => {
        if (ids.length <= 1) return single(ids);
        const all = await list();
        return fromIndex(ids, indexOf(all), fromRecord, absentFrom([all], cfg.id, missing));
      };
    }

    return {
      async listExtensions({ search, first, after, fresh }) {
        let all = await list(fresh);
        if (search) {
          // VitalPBX has no filter parameter; the whole list is fetched anyway, so filter it here.
          const q = search.toLowerCase();
          all = all.filter((x) => String(x.extension).includes(q) || (x.name ?? '').toLowerCase().includes(q) || (x.email ?? '').toLowerCase().includes(q));
        }
        return pageArray(all, first, after, toDomain);
      },
      loadExtensions: fromListOr(async (id) => {
        const x = await client.getExtension(id);
        if (!x) throw missing(id);
        return toDomain(x);
      }, toDomain),
      loadDevices: fromListOr(async (id) => (await client.getDevices(id)).map((d) => mapDevice(cfg.id, d)), (x) => x.devices.map((d) => mapDevice(cfg.id, d))),
      loadQueues: fromListOr(async (id) => mapQueues(cfg.id, await client.getQueues(id)), (x) => mapQueues(cfg.id, x.queues_info)),
      loadVoicemailMessages: eachKey(cfg.concurrency, async (id) => mapVoicemailRecords(await client.getVoicemailRecords(id))),
      loadCallStatistics: eachKey(cfg.concurrency, async (id) => mapCdrSummary(await client.getCdrSummary(id))),
      async healthCheck() {
        await list();
      },
    };
  }

  return assembleAdapter({
    cfg,
    vendor: 'vitalpbx',
    capabilities: CAPABILITIES,
    listCarries: LIST_CARRIES,
    idPattern: ID,
    operations,
    http,
    caches: [listCache],
  });
}
