import { z } from 'zod';
import { assembleAdapter, type Page, type SourceAdapter, type SourceOperations } from '../../core/adapter.ts';
import type { RequestScope } from '../../core/request-scope.ts';
import { eachKey, indexBy, inKeyOrder, scanPagesForKeys } from '../../core/batch.ts';
import { badInput, notFound, PbxError } from '../../core/errors.ts';
import { absentFrom } from '../../core/validate.ts';
import { mapWithConcurrency } from '../../core/lists.ts';
import { byIdentity, SingleFlightCache } from '../../core/shared-cache.ts';
import { sharedEntry, subSpace } from '../../core/shared-fill.ts';
import { TokenCache, type TokenHolder } from '../../core/token.ts';
import type { AdapterDeps, BaseSourceConfig } from '../../core/vendor-module.ts';
import type { Capability, Extension, Group } from '../../domain/types.ts';
import { allPages, classifyPortsipAnswer, createPortsipClient, isTokenExpired, type PortsipClient } from './client.ts';
import { groupIdsOf, mapExtensionSettings, mapExtensionSummary, mapGreetings, mapGroup, mapStatus, tokenLifetimeMs } from './mappers.ts';
import type { PortsipExtensionList, PortsipExtensionSummary } from './types.ts';
import { PORTSIP_WRITE_CAPABILITIES, portsipWrites } from './writes.ts';

/** PortSIP's own config keys. */
export const portsipConfigShape = {
  username: z.string().min(1),
  password: z.string().min(1),
  /** Per-key calls in flight at once (extensions/show, group/show and greetings have no batch form). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Largest `pagesize` sent to PortSIP; a bigger client page takes several vendor pages. */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** How long the whole group index (list + each group's members) is reused across requests, ms. */
  groupCacheMs: z.number().int().min(0).max(600_000).default(5000),
  /** SIP domain given to extensions/call (default: the host of baseUrl). */
  callDomain: z.string().min(1).max(253).optional(),
};

/** A validated PortSIP source. */
export type PortsipSourceConfig = BaseSourceConfig & { username: string; password: string; concurrency: number; pageSize: number; groupCacheMs: number; callDomain?: string | undefined };

/** No VOICEMAIL_MESSAGES (no endpoint), no DEVICES (only the list's phone summary), no lookups beyond the number. */
const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'EXTENSION_LIST', 'EXTENSION_SEARCH', 'STATUS', 'GROUPS', 'VOICEMAIL', 'GREETINGS', 'FORWARDING', 'OFFICE_HOURS',
]);

/** The list's own status snapshot is not used (live status is the extensions/status batch); no group ids. */
const LIST_CARRIES: ReadonlySet<Capability> = new Set<Capability>([]);

/** The largest page PortSIP is asked for when walking the list for a batch of ids. */
const MAX_PAGE_SIZE = 1000;

/** The vendor id is the extension number: digits. */
const NUMBER = /^[0-9]{1,32}$/;
/** Adapter cursors are the absolute offset of an item in the vendor's list. */
const CURSOR = /^[0-9]{1,9}$/;

/** Creates the PortSIP adapter for one source (one PBX account). */
export function createPortsipAdapter(cfg: PortsipSourceConfig, deps: AdapterDeps): SourceAdapter {
  const http = deps.createHttp({ sourceId: cfg.id, baseUrl: cfg.baseUrl, timeoutMs: cfg.timeoutMs, classify: classifyPortsipAnswer });
  const loginWith = (client: PortsipClient) => async () => {
    const s = await client.verify(cfg.username, cfg.password);
    return { token: s.access_token, lifetimeMs: tokenLifetimeMs(s.expires) };
  };
  // Sliding: each successful call extends the token (the vendor does the same); `expires` sets the
  // lifetime and tokenLifetimeMs keeps the renewal margin, so TokenCache's own margin is off.
  // Logins outside any request use a client of their own (verify takes no session token).
  const tokens: TokenHolder = new TokenCache({ login: loginWith(createPortsipClient(http, cfg.id, (call) => call(''))), sliding: true, marginMs: 0, shared: sharedEntry(deps.shared, 'token') });
  const missing = (id: string) => notFound(`extension ${id}`, cfg.id);
  /** Every group with its members: 1 list page per `pageSize` groups + 1 show per group, reused briefly. */
  const groupCache = new SingleFlightCache<Group[]>(cfg.groupCacheMs, undefined, subSpace(deps.shared, 'groups'));
  // Derived once per group index, not once per request: member -> its groups, and groups by id.
  const groupsByMember = byIdentity((groups: Group[]) => {
    const byMember = new Map<string, string[]>();
    for (const g of groups) {
      for (const m of g.memberIds ?? []) {
        const of = byMember.get(m);
        if (of) of.push(g.vendorId);
        else byMember.set(m, [g.vendorId]);
      }
    }
    return byMember;
  });
  const groupsById = byIdentity((groups: Group[]) => indexBy(groups, (g) => g.vendorId));
  // Rows mapped once per vendor answer: an unchanged answer is the same object (core/answer-memo.ts).
  const summaryOf = byIdentity((x: PortsipExtensionSummary) => mapExtensionSummary(cfg.id, x));
  const statusOf = byIdentity(mapStatus);

  /** The operations over a client whose calls count against `scope` (none: not tied to a request). */
  function operations(scope: RequestScope | undefined): SourceOperations {
    const client: PortsipClient = createPortsipClient(http.scoped(scope), cfg.id, (call) => tokens.use(call, isTokenExpired, login));
    const login = loginWith(client);

    // Two loaders showing one extension in one request (its details and its groups) share the call:
    // the request's HTTP client joins identical in-flight idempotent calls.
    const show = (id: string) => client.showExtension(id);

    const fetchGroups = () =>
      groupCache.get('all', async () => {
        const { items } = await allPages((n) => client.listGroups(n, cfg.pageSize), (p) => p.groups, cfg.pageSize);
        const groups = await mapWithConcurrency(items, cfg.concurrency, async (s) => {
          try {
            return mapGroup(cfg.id, s, await client.showGroup(s.group_id));
          } catch (err) {
            // Removed between list and show: not a group any more.
            if (err instanceof PbxError && err.code === 'NOT_FOUND') return undefined;
            throw err;
          }
        });
        return groups.filter((g): g is Group => g !== undefined);
      });
    // Within a request the index is read once, whatever the cache time (the extensions' groups and the
    // groups themselves both need it): these operations are the request's own. A failure is not kept.
    let groupsOfRequest: Promise<Group[]> | undefined;
    const allGroups = (): Promise<Group[]> => {
      if (!scope) return fetchGroups();
      if (!groupsOfRequest) {
        groupsOfRequest = fetchGroups();
        groupsOfRequest.catch(() => (groupsOfRequest = undefined));
      }
      return groupsOfRequest;
    };

    /**
     * One page in the adapter's terms (offset cursors) over PortSIP's numbered pages. The vendor page
     * size is the client's page size (capped by `pageSize`), so following pages costs one call each;
     * a page that straddles two vendor pages costs two.
     */
    async function page(fetch: (pageNo: number, size: number) => Promise<PortsipExtensionList>, first: number, after: string | undefined): Promise<Page<Extension>> {
      if (after !== undefined && !CURSOR.test(after)) throw badInput('`after` is not a cursor of this connection', cfg.id);
      const offset = after === undefined ? 0 : Number(after) + 1;
      const size = Math.min(first, cfg.pageSize);
      const firstPage = Math.floor(offset / size) + 1;
      const lastPage = Math.floor((offset + first - 1) / size) + 1;
      const rows: PortsipExtensionSummary[] = [];
      let more = false;
      for (let n = firstPage; n <= lastPage; n++) {
        const p = await fetch(n, size);
        rows.push(...p.extensions);
        more = n < p.page_count && p.extensions.length === size;
        if (!more) break;
      }
      const skip = offset - (firstPage - 1) * size;
      const slice = rows.slice(skip, skip + first);
      return {
        items: slice.map((x, i) => ({ node: summaryOf(x), cursor: String(offset + i) })),
        hasNextPage: rows.length > skip + first || more,
        hasPreviousPage: offset > 0,
        // PortSIP tells the page count, not the item count.
        totalCount: null,
      };
    }

    // The list carries summary fields only: a full record is one extensions/show per extension.
    const loadExtensions = eachKey(cfg.concurrency, async (id) => mapExtensionSettings(cfg.id, await show(id)));
    return {
      listExtensions({ search, first, after }) {
        return search
          ? page((n, size) => client.searchExtensions(search, n, size), first, after)
          : page((n, size) => client.listExtensions(n, size), first, after);
      },
      loadExtensions,
      /**
       * Many ids at once (`_entities`, many `node`s): PortSIP has no batch get, so the list is walked at
       * its largest page size until all are seen, giving summary (partial) records; detail fields then
       * load per extension only if asked. One id: its extensions/show.
       */
      async loadExtensionRefs(ids) {
        if (ids.length === 1) return loadExtensions(ids);
        const pages: object[] = [];
        const found = await scanPagesForKeys(
          ids,
          async (i) => {
            const p = await client.listExtensions(i + 1, MAX_PAGE_SIZE);
            pages.push(p.extensions);
            return { items: p.extensions, more: i + 1 < p.page_count && p.extensions.length === MAX_PAGE_SIZE };
          },
          (x) => String(x.extension_number),
        );
        return inKeyOrder(ids, found, (x) => String(x.extension_number), (x) => mapExtensionSummary(cfg.id, x), absentFrom(pages, cfg.id, missing));
      },
      async findExtension({ number }) {
        if (number === undefined || !NUMBER.test(number)) return null;
        try {
          return mapExtensionSettings(cfg.id, await show(number));
        } catch (err) {
          if (err instanceof PbxError && err.code === 'NOT_FOUND') return null;
          throw err;
        }
      },
      // One extensions/status call per DataLoader batch, whatever its size.
      async loadStatus(ids) {
        const entries = await client.extensionStatus(ids);
        return inKeyOrder(ids, entries, (x) => String(x.extension_number), statusOf, missing);
      },
      /**
       * Groups of each extension. The list has no belong_groups, so for a batch the group index (list +
       * one show per group, cached) is inverted: its cost depends on the number of groups, not of
       * extensions. A single extension costs one extensions/show instead (its belong_groups).
       */
      async loadExtensionGroupIds(ids) {
        if (ids.length === 1) {
          const one = await eachKey(1, async (id) => {
            const x = await show(id);
            return Array.isArray(x.belong_groups) ? groupIdsOf(x.belong_groups) : undefined;
          })(ids);
          if (one[0] !== undefined) return one as Array<string[] | Error>;
        }
        const byMember = groupsByMember(await allGroups());
        return ids.map((id) => byMember.get(id) ?? []);
      },
      /**
       * Several groups (an extension list's groups) come from the group index, usually already built
       * by loadExtensionGroupIds in the same request; one group (group(id:)) is one group/show. A group
       * newer than the cached index falls back to its own show.
       */
      async loadGroups(ids) {
        const index = ids.length > 1 ? groupsById(await allGroups()) : new Map<string, Group>();
        return eachKey(cfg.concurrency, async (id) => index.get(id) ?? mapGroup(cfg.id, { group_id: id }, await client.showGroup(id)))(ids);
      },
      listGroups: allGroups,
      loadGreetings: eachKey(cfg.concurrency, async (id) => {
        const { first, items } = await allPages((n) => client.listGreetings(id, n, cfg.pageSize), (p) => p.files, cfg.pageSize);
        return mapGreetings({ default_file: first.default_file, files: items });
      }),
      async healthCheck() {
        await client.listExtensions(1, 1);
      },
    };
  }

  return assembleAdapter({
    cfg,
    vendor: 'portsip',
    capabilities: new Set([...CAPABILITIES, ...PORTSIP_WRITE_CAPABILITIES]),
    listCarries: LIST_CARRIES,
    idPattern: NUMBER,
    operations,
    http,
    caches: [groupCache],
    writes: (scope) => {
      const client: PortsipClient = createPortsipClient(http.scoped(scope), cfg.id, (call) => tokens.use(call, isTokenExpired, loginWith(client)));
      return portsipWrites(client, { sourceId: cfg.id, callDomain: cfg.callDomain ?? new URL(cfg.baseUrl).hostname, pageSize: cfg.pageSize });
    },
  });
}
