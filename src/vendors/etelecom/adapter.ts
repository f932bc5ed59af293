import { z } from 'zod';
import { ConfigError } from '../../core/config.ts';
import { assembleAdapter, type Page, type SourceAdapter, type SourceOperations } from '../../core/adapter.ts';
import type { RequestScope } from '../../core/request-scope.ts';
import { inKeyOrder } from '../../core/batch.ts';
import { badInput, notFound, PbxError, unsupported } from '../../core/errors.ts';
import { absentFrom } from '../../core/validate.ts';
import { byIdentity } from '../../core/shared-cache.ts';
import type { AdapterDeps, BaseSourceConfig } from '../../core/vendor-module.ts';
import type { Capability, Extension } from '../../domain/types.ts';
import { classifyEtelecomAnswer, createEtelecomClient, rpcBaseUrl } from './client.ts';
import { mapExtension, mapExtensionInfo } from './mappers.ts';
import type { EtelecomExtension, EtelecomExtensionInfoRequest } from './types.ts';
import { ETELECOM_WRITE_CAPABILITIES, etelecomWrites } from './writes.ts';

/** Largest `paging.limit` pbx-graph will configure (the simulator's ceiling too). */
const MAX_VENDOR_LIMIT = 1000;

/** eTelecom's own config keys. */
export const etelecomConfigShape = {
  /** The shop (or partner) API key, sent as `Authorization: Bearer`. */
  apiKey: z.string().min(1),
  /**
   * Largest `paging.limit` one GetExtensions call asks for. The doc publishes no maximum; 100 is a
   * limit cursor APIs commonly accept, and a larger one makes extension lookups (a list scan) cheaper.
   */
  pageLimit: z.number().int().min(1).max(MAX_VENDOR_LIMIT).default(100),
};

/** A validated eTelecom source. */
export type EtelecomSourceConfig = BaseSourceConfig & { apiKey: string; pageLimit: number };

/**
 * What eTelecom can answer. No STATUS, DEVICES or QUEUES (no such method), no EXTENSION_SEARCH
 * (GetExtensions has no filter); GetExtensionInfo finds by e-mail and phone besides the number.
 */
const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['EXTENSION_LIST', 'LOOKUP_BY_EMAIL', 'LOOKUP_BY_PHONE', 'SUBSCRIPTION']);

/** GetExtensions carries the subscription only. */
const LIST_CARRIES: ReadonlySet<Capability> = new Set<Capability>([]);

/** Vendor ids are extension numbers: CreateExtension takes them as integers. */
const NUMBER = /^[0-9]{1,15}$/;

/**
 * The adapter cursor of one listed extension: "the `skip`-th item after vendor cursor `after`"
 * (`after` undefined: from the start). eTelecom's cursors only exist per page (`paging.next`), while
 * the Relay connection needs one per edge and may change page size between requests, so an edge
 * inside a vendor page is (the cursor that page was fetched with, its position in it). The last edge
 * of a vendor page that has a `next` gets (`next`, 0), so paging with a steady page size costs one
 * vendor call per page. Vendor cursors stay opaque: pbx-graph never reads their content.
 */
interface Position {
  /** Vendor cursor the page was fetched with. */
  after: string | undefined;
  /** Items of that page already returned. */
  skip: number;
}

const encodePosition = (p: Position): string => `${p.skip}:${p.after ?? ''}`;

function decodePosition(cursor: string | undefined, sourceId: string): Position {
  if (cursor === undefined) return { after: undefined, skip: 0 };
  const m = /^([0-9]{1,4}):([\s\S]*)$/.exec(cursor);
  if (!m || Number(m[1]) > MAX_VENDOR_LIMIT) throw badInput('`after` is not a cursor of this connection', sourceId);
  return { after: m[2] || undefined, skip: Number(m[1]) };
}

/** The vendor's `next`: an empty string means none (proto zero value). */
const nextOf = (paging: { next?: string } | undefined): string | undefined => paging?.next || undefined;

/**
 * The base URL must name the service's path: calls go to `<baseUrl>.Etelecom/<Method>`, so a bare
 * host (`http://host:port`) would compose `http://host:port.Etelecom/...`, which is no URL at all.
 * Checked when the source is built (start-up), not at the first query.
 */
export function checkEtelecomBaseUrl(cfg: { id: string; baseUrl: string }): void {
  let url: URL | undefined;
  try {
    url = new URL(cfg.baseUrl);
  } catch {
    url = undefined;
  }
  const path = url?.pathname.replace(/\/+$/, '') ?? '';
  if (!url || !/^https?:$/.test(url.protocol) || path === '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError(
      `invalid configuration: sources[id=${JSON.stringify(cfg.id)}].baseUrl: an eTelecom base URL is http(s)://host[:port]/<service path> ` +
        `with a path and no query, e.g. https://api.etelecom.vn/v1/etelecom.vpbx.api (calls go to <baseUrl>.Etelecom/<Method>); ` +
        `this one has ${!url ? 'no valid URL syntax' : path === '' ? 'no path' : 'a query or fragment'}`,
    );
  }
}

/** Creates the eTelecom adapter for one source (one tenant's API key). */
export function createEtelecomAdapter(cfg: EtelecomSourceConfig, deps: AdapterDeps): SourceAdapter {
  checkEtelecomBaseUrl(cfg);
  const http = deps.createHttp({
    sourceId: cfg.id,
    baseUrl: rpcBaseUrl(cfg.baseUrl),
    timeoutMs: cfg.timeoutMs,
    headers: { authorization: `Bearer ${cfg.apiKey}`, accept: 'application/json' },
    classify: classifyEtelecomAnswer,
  });
  const missing = (number: string) => notFound(`extension ${number}`, cfg.id);
  // Rows mapped once per vendor answer: an unchanged answer is the same object (core/answer-memo.ts).
  const toDomain = byIdentity((x: EtelecomExtension) => mapExtension(cfg.id, x));

  /** The operations over a client whose calls count against `scope` (none: not tied to a request). */
  function operations(scope: RequestScope | undefined): SourceOperations {
    const client = createEtelecomClient(http.scoped(scope), cfg.id);

    /**
     * Full records by number. GetExtensionInfo gives only number, domain and expiry (no state, hotline,
     * user or tenant), and there is no batch get, so the full record comes from the list: the pages are
     * walked at `pageLimit` until every asked number is seen (or the list ends). One walk answers a
     * whole DataLoader batch; per-number GetExtensionInfo calls would be cheaper for one key but could
     * not fill the subscription. Cost: the pages up to the last asked number; an unknown number costs a
     * walk of the whole list.
     */
    async function loadByNumbers(numbers: readonly string[]): Promise<Array<Extension | Error>> {
      const wanted = new Set(numbers);
      const found = new Map<string, EtelecomExtension>();
      const seenCursors = new Set<string>();
      const pages: object[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await client.getExtensions({ ...(after ? { after } : {}), limit: cfg.pageLimit });
        pages.push(page.extensions);
        for (const x of page.extensions) if (wanted.has(String(x.extension_number))) found.set(String(x.extension_number), x);
        const next = nextOf(page.paging);
        // A repeated cursor would loop forever: trust the vendor only as far as it makes progress.
        if (found.size === wanted.size || !next || page.extensions.length === 0 || seenCursors.has(next)) break;
        seenCursors.add(next);
        after = next;
      }
      return inKeyOrder(numbers, [...found.values()], (x) => String(x.extension_number), toDomain, absentFrom(pages, cfg.id, missing));
  }

  return {
    async listExtensions({ search, first, after }): Promise<Page<Extension>> {
      if (search !== undefined) throw unsupported('search', 'etelecom', cfg.id);
      let pos = decodePosition(after, cfg.id);
      const items: Page<Extension>['items'] = [];
      let hasNextPage = false;
      while (items.length < first) {
        const need = first - items.length;
        // Ask for the skipped items too: one call returns the rest of this page and the new ones.
        const page = await client.getExtensions({ ...(pos.after ? { after: pos.after } : {}), limit: Math.min(pos.skip + need, cfg.pageLimit) });
        const rows = page.extensions;
        const next = nextOf(page.paging);
        // The vendor may answer fewer rows than asked (its own cap): skip what it has, carry the rest.
        const skipHere = Math.min(pos.skip, rows.length);
        const taken = rows.slice(skipHere, skipHere + need);
        taken.forEach((x, i) => {
          const consumed = skipHere + i + 1;
          const cursor: Position = consumed === rows.length && next ? { after: next, skip: 0 } : { after: pos.after, skip: consumed };
          items.push({ node: toDomain(x), cursor: encodePosition(cursor) });
        });
        if (skipHere + taken.length < rows.length) {
          hasNextPage = true; // stopped inside this vendor page
          break;
        }
        // Whole page used: more follow exactly when the vendor gives a `next` (its documented meaning).
        if (!next || rows.length === 0) break;
        if (items.length === first) {
          hasNextPage = true;
          break;
        }
        pos = { after: next, skip: pos.skip - skipHere };
      }
      return { items, hasNextPage, hasPreviousPage: after !== undefined, totalCount: null };
    },

    loadExtensions: loadByNumbers,

    async findExtension({ number, email, phone }) {
      let by: EtelecomExtensionInfoRequest;
      if (number !== undefined) {
        // Numbers are integers at eTelecom: anything else names no extension, no call needed.
        if (!NUMBER.test(number)) return null;
        by = { extension_number: number };
      } else if (email !== undefined) by = { email };
      else if (phone !== undefined) by = { phone };
      else throw badInput('give a number, e-mail or phone', cfg.id);
      try {
        return mapExtensionInfo(cfg.id, await client.getExtensionInfo(by));
      } catch (err) {
        if (err instanceof PbxError && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    },

    async healthCheck() {
      await client.getExtensions({ limit: 1 });
    },
  };
  }

  return assembleAdapter({
    cfg,
    vendor: 'etelecom',
    capabilities: new Set([...CAPABILITIES, ...ETELECOM_WRITE_CAPABILITIES]),
    listCarries: LIST_CARRIES,
    idPattern: NUMBER,
    operations,
    http,
    writes: (scope) => etelecomWrites(http.scoped(scope), cfg.id),
  });
}
