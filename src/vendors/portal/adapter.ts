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
import { classifyPortalAnswer, createPortalClient } from './client.ts';
import { mapExtension, mapGetStatus, mapListItem, mapListStatus } from './mappers.ts';
import type { PortalListItem } from './types.ts';

/** Extension numbers: the doc types extId "numeric"; no leading zeros, so each has one spelling. */
const NUMBER = /^(?:0|[1-9][0-9]{0,14})$/;
const RANGE = /^((?:0|[1-9][0-9]{0,14}))-((?:0|[1-9][0-9]{0,14}))$/;

/** An inclusive range of extension numbers. */
interface NumberRange {
  /** Lowest number. */
  from: number;
  /** Highest number. */
  to: number;
}

/** Reads "1000-1099" or "2000"; a string naming why not when it is neither or descends. */
export function parseExtensionRange(s: string): NumberRange | string {
  if (NUMBER.test(s)) return { from: Number(s), to: Number(s) };
  const m = RANGE.exec(s);
  if (!m) return 'must be an extension number ("2000") or a range of them ("1000-1099")';
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from <= to ? { from, to } : 'a range must ascend (low-high)';
}

/** Point VoIP's own config keys. */
export const portalConfigShape = {
  /** Portal authentication id (string(24) in the doc). */
  authId: z.string().length(24, 'must be 24 characters'),
  /** Portal authentication key (string(24) in the doc). */
  authKey: z.string().length(24, 'must be 24 characters'),
  /** Portal PBX id (numeric in the doc). */
  pbxId: z.string().regex(/^[0-9]{1,18}$/, 'must be a numeric PBX id'),
  /** Limits the source to these numbers and ranges; the rest of the PBX is invisible. */
  extensions: z
    .array(
      z.string().superRefine((s, ctx) => {
        const r = parseExtensionRange(s);
        if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
      }),
    )
    .min(1)
    .optional(),
  /** Single gets in flight at once (the API has no batch get). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** How long the whole-PBX list answer is reused, ms (the list has no paging). */
  listCacheMs: z.number().int().min(0).max(600_000).default(5000),
};

/** A validated Point VoIP source. */
export type PortalSourceConfig = BaseSourceConfig & {
  authId: string;
  authKey: string;
  pbxId: string;
  extensions?: string[] | undefined;
  concurrency: number;
  listCacheMs: number;
};

/**
 * EXTENSION_SEARCH is served in memory: the list is fetched whole anyway (no vendor filter), so
 * filtering the cached answer costs no extra call.
 */
const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['EXTENSION_LIST', 'EXTENSION_SEARCH', 'STATUS', 'E911']);

/** Each listed extension carries its registration flag. */
const LIST_CARRIES: ReadonlySet<Capability> = new Set<Capability>(['STATUS']);

/** Creates the Point VoIP adapter for one source (one portal PBX). */
export function createPortalAdapter(cfg: PortalSourceConfig, deps: AdapterDeps): SourceAdapter {
  const http = deps.createHttp({ sourceId: cfg.id, baseUrl: cfg.baseUrl, timeoutMs: cfg.timeoutMs, classify: classifyPortalAnswer });
  const ranges = (cfg.extensions ?? []).map(parseExtensionRange).filter((r): r is NumberRange => typeof r !== 'string');
  /** A number this source shows: all of them without an `extensions` limit. */
  const visible = (number: string): boolean => {
    if (ranges.length === 0) return true;
    const n = Number(number);
    return ranges.some((r) => n >= r.from && n <= r.to);
  };
  // One answer per PBX, shared by pages and concurrent requests for listCacheMs.
  const listCache = new SingleFlightCache<PortalListItem[]>(cfg.listCacheMs, undefined, subSpace(deps.shared, 'list'));
  // Derived once per cached answer, not once per request: the visible rows, their index by number,
  // each row as a domain record.
  const visibleOf = byIdentity((all: PortalListItem[]) => (ranges.length === 0 ? all : all.filter((x) => visible(String(x.number)))));
  const indexOf = byIdentity((all: PortalListItem[]) => indexBy(all, (x) => String(x.number)));
  const toDomain = byIdentity((x: PortalListItem) => mapListItem(cfg.id, x));
  const missing = (id: string) => notFound(`extension ${id}`, cfg.id);

  /** The operations over a client whose calls count against `scope` (none: not tied to a request). */
  function operations(scope: RequestScope | undefined): SourceOperations {
    const client = createPortalClient(http.scoped(scope), { authId: cfg.authId, authKey: cfg.authKey, pbxId: cfg.pbxId }, cfg.id);
    const whole = (fresh?: boolean) => (fresh ? listCache.refresh : listCache.get).call(listCache, 'all', () => client.listExtensions());
    /** The visible records by number, and what a number missing from them is. */
    const lookup = async () => {
      const raw = await whole();
      return { index: indexOf(visibleOf(raw)), absent: absentFrom([raw], cfg.id, missing) };
    };
    /** The single get of a visible number; one outside the configured numbers is NOT_FOUND, no call. */
    const getOne = async (id: string) => {
      if (!visible(id)) throw missing(id);
      return client.getExtension(id);
    };
    // The list lacks the detail fields, so full records always cost one get each, capped.
    const loadExtensions = eachKey(cfg.concurrency, async (id) => mapExtension(cfg.id, id, await getOne(id)));
    return {
      async listExtensions({ search, first, after, fresh }) {
        let all = visibleOf(await whole(fresh));
        if (search) {
          const q = search.toLowerCase();
          all = all.filter((x) => String(x.number).includes(q) || `${x.firstName ?? ''} ${x.lastName ?? ''}`.toLowerCase().includes(q));
        }
        return pageArray(all, first, after, toDomain);
      },
      loadExtensions,
      /**
       * Many ids at once (`_entities`, many `node`s): the one cached list answers them as partial
       * records (detail fields then cost a get each, only if asked). One id: its single get.
       */
      async loadExtensionRefs(ids) {
        if (ids.length === 1) return loadExtensions(ids);
        const { index, absent } = await lookup();
        return fromIndex(ids, index, toDomain, absent);
      },
      /**
       * Several keys: the one (cached) list call carries every registration. One key: its single get,
       * which also says how fresh the flag is.
       */
      async loadStatus(ids) {
        if (ids.length === 1) return eachKey(1, async (id) => mapGetStatus(await getOne(id)))(ids);
        const { index, absent } = await lookup();
        return fromIndex(ids, index, (x) => mapListStatus(x.status), absent);
      },
      async healthCheck() {
        await listCache.get('all', () => client.listExtensions());
      },
    };
  }

  return assembleAdapter({
    cfg,
    vendor: 'portal',
    capabilities: CAPABILITIES,
    listCarries: LIST_CARRIES,
    idPattern: NUMBER,
    operations,
    http,
    caches: [listCache],
  });
}
