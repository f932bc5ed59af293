import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { badInput, notFound, PbxError, unsupported } from '../core/errors.ts';
import { decodeId, type GlobalId } from '../core/ids.ts';
import type { LoaderKind, LoaderValues } from '../core/loaders.ts';
import type { Capability, Extension, ExtensionDetailField, Group } from '../domain/types.ts';
import type { Resolvers } from '../generated/graphql.ts';
import type { GatewayContext } from './context.ts';
import { edgeCursor, extensionsConnection } from './connection.ts';
import type { GroupModel, HealthModel, VoicemailModel } from './models.ts';
import { LOADED_FIELDS } from './lookahead.ts';

/*
 * Resolvers stay thin: route by id to a source, ask a per-request DataLoader, shape the answer.
 * Vendor knowledge lives in the adapters; batching and priming in core/loaders.ts.
 */

function sourceOf(ctx: GatewayContext, ext: { sourceId: string }): SourceAdapter {
  const s = ctx.sources.get(ext.sourceId);
  // A parent object can only come from a visible source; anything else is a bug, masked.
  if (!s) throw new Error(`source ${ext.sourceId} vanished`);
  return s;
}

function requireCapability(source: SourceAdapter, cap: Capability, what: string): void {
  if (!source.capabilities.has(cap)) throw unsupported(what, source.vendor, source.id);
}

/**
 * A field that needs a capability. For a source without it the field is null, with no vendor call,
 * and the request gets ONE UNSUPPORTED_BY_VENDOR error per source and field, at the first path that
 * asked (one per extension would bury a 50-row dashboard under identical errors, and building them
 * was most of its cost).
 */
function capable<P, R>(cap: Capability, what: string, extOf: (parent: P) => Extension, resolve: (parent: P, ctx: GatewayContext) => R) {
  // This resolver serves one field of one type: its identity keys "reported already" with no string
  // built per row (a dashboard asks ~650 unsupported fields per page of 250).
  const field = {};
  return (parent: P, _args: unknown, ctx: GatewayContext, info: GraphQLResolveInfo): R | null => {
    const source = sourceOf(ctx, extOf(parent));
    if (source.capabilities.has(cap)) return resolve(parent, ctx);
    let reported = ctx.reported.get(field);
    if (!reported) {
      reported = new Set();
      ctx.reported.set(field, reported);
    }
    if (!reported.has(source.id)) {
      reported.add(source.id);
      ctx.partialErrors.push({ error: unsupported(what, source.vendor, source.id), path: responsePathAsArray(info.path) });
    }
    return null;
  };
}

const self = (e: Extension) => e;

/** Loads `kind` for an extension through the request's DataLoader. */
async function load<K extends LoaderKind>(ctx: GatewayContext, ext: Extension, kind: K, what: string): Promise<LoaderValues[K]> {
  const source = sourceOf(ctx, ext);
  const loader = ctx.loaders.get(kind, source);
  if (!loader) throw unsupported(what, source.vendor, source.id);
  return loader.load(ext.vendorId);
}

/**
 * `load`, answered at once when this request's loader already holds the value (the connection waits
 * for the loads a page led to before its rows resolve): a value, or a promise while it is loading.
 */
function loadNow<K extends LoaderKind>(ctx: GatewayContext, ext: Extension, kind: K, what: string): LoaderValues[K] | Promise<LoaderValues[K]> {
  const source = sourceOf(ctx, ext);
  const value = ctx.loaders.settled(kind, source, ext.vendorId);
  if (value === undefined) return load(ctx, ext, kind, what);
  if (value instanceof Error) throw value;
  return value;
}

/** An extension's groups by id: at once when every one is loaded, else through the loader. */
function groupsByIds(ctx: GatewayContext, source: SourceAdapter, ids: readonly string[]): Group[] | Promise<Group[]> {
  const groups: Group[] = [];
  for (const id of ids) {
    const g = ctx.loaders.settled('group', source, id);
    if (g === undefined) {
      return ctx.loaders.get('group', source)!.loadMany(ids).then((all) => all.filter((x): x is Group => !(x instanceof Error)));
    }
    // A group that failed to load is left out, as loadMany's errors are.
    if (!(g instanceof Error)) groups.push(g);
  }
  return groups;
}

/** A field a partial (list) record may lack: read it, or load the full record once per request. */
async function detail<F extends ExtensionDetailField>(ctx: GatewayContext, ext: Extension, field: F): Promise<NonNullable<Extension[F]> | null> {
  const own = ext[field];
  if (own !== undefined) return own ?? null;
  if (!ext.partial) return null;
  const full = await ctx.loaders.get('extension', sourceOf(ctx, ext))!.load(ext.vendorId);
  return full[field] ?? null;
}

function gated<F extends ExtensionDetailField>(field: F, cap: Capability, what: string) {
  return capable(cap, what, self, (ext: Extension, ctx) => detail(ctx, ext, field));
}

function plain<F extends ExtensionDetailField>(field: F) {
  return (ext: Extension, _a: unknown, ctx: GatewayContext) => detail(ctx, ext, field);
}

/** Decodes a client id of an expected type; a source the caller cannot see is NOT_FOUND. */
function routeId(ctx: GatewayContext, id: string, types: readonly GlobalId['type'][]): { gid: GlobalId; source: SourceAdapter } {
  const gid = decodeId(id);
  if (!gid || !types.includes(gid.type)) throw badInput('id is not a valid pbx-graph id');
  const source = ctx.sources.get(gid.sourceId);
  if (!source) throw notFound(gid.type);
  return { gid, source };
}

/**
 * The extension behind a global id, or NOT_FOUND. All ids of one source in a request (`_entities`
 * with 50 representations, many `node` fields) form one batch: the adapter's cheapest by-id lookup.
 */
async function extensionById(ctx: GatewayContext, id: string): Promise<Extension> {
  const { gid, source } = routeId(ctx, id, ['Extension']);
  if (!source.isValidExtensionId(gid.localId)) throw badInput(`id does not name a ${source.vendor} extension`, source.id);
  const ext = await ctx.loaders.get('extensionRef', source)!.load(gid.localId);
  ctx.loaders.prime(source, ext);
  return ext;
}

async function groupById(ctx: GatewayContext, id: string): Promise<GroupModel> {
  const { gid, source } = routeId(ctx, id, ['Group']);
  const loader = ctx.loaders.get('group', source);
  if (!loader) throw notFound('Group');
  return loader.load(gid.localId);
}

async function groupsOf(sources: readonly SourceAdapter[], ctx: GatewayContext, info: GraphQLResolveInfo): Promise<GroupModel[]> {
  const lists = await Promise.all(
    sources.map(async (s) => {
      try {
        requireCapability(s, 'GROUPS', 'groups');
        const groups = (await ctx.loaders.ops(s).listGroups?.()) ?? [];
        const loader = ctx.loaders.get('group', s);
        for (const g of groups) if (g.memberIds !== undefined) loader?.prime(g.vendorId, g);
        return groups;
      } catch (err) {
        // One source's failure (or lack of groups) never fails the list: partial data plus an error.
        if (!(err instanceof PbxError)) throw err;
        if (err.code !== 'UNSUPPORTED_BY_VENDOR' || sources.length === 1) ctx.partialErrors.push({ error: err, path: responsePathAsArray(info.path) });
        return [];
      }
    }),
  );
  return lists.flat();
}

/** A `node` answer with its type noted for Node.__resolveType (the object itself is not copied or changed). */
function typed<T extends object>(ctx: GatewayContext, obj: T, type: 'Pbx' | 'Extension' | 'Group'): never {
  ctx.nodeTypes.set(obj, type);
  return obj as never;
}

function pbxSources(ctx: GatewayContext, pbx: string | null | undefined): SourceAdapter[] {
  if (pbx === null || pbx === undefined) return [...ctx.sources.list];
  const s = ctx.sources.get(pbx);
  if (!s) throw notFound(`pbx ${JSON.stringify(pbx).slice(0, 80)}`);
  return [s];
}

/**
 * The resolver map, typed by codegen. A field that is a plain property of its model (Extension
 * number, name, vendorId, restricted; Pbx vendor, name; every Device field but id...) has no resolver
 * on purpose: graphql-jit compiles it to a property read, where a resolver costs a call and a
 * resolve-info object per row.
 */
export const resolvers: Resolvers = {
  Query: {
    pbxes: (_p, _a, ctx) => [...ctx.sources.list],
    pbx: (_p, { id }, ctx) => ctx.sources.get(id) ?? null,
    extensions: (_p, args, ctx, info) => extensionsConnection(pbxSources(ctx, args.pbx), args, ctx, info),
    extension: (_p, { id }, ctx) => extensionById(ctx, id),
    async findExtension(_p, { pbx, number, email, phone }, ctx) {
      const source = pbxSources(ctx, pbx)[0]!;
      const given = [number, email, phone].filter((v) => v !== undefined && v !== null);
      if (given.length !== 1) throw badInput('give exactly one of number, email or phone');
      if (given[0]!.length > 200) throw badInput('lookup value too long');
      if (email) requireCapability(source, 'LOOKUP_BY_EMAIL', 'lookup by e-mail');
      if (phone) requireCapability(source, 'LOOKUP_BY_PHONE', 'lookup by phone');
      let hit: Extension | null;
      const ops = ctx.loaders.ops(source);
      if (ops.findExtension) {
        hit = await ops.findExtension({ number: number ?? undefined, email: email ?? undefined, phone: phone ?? undefined });
      } else {
        // Without a lookup endpoint, a number is found through the vendor's search.
        requireCapability(source, 'EXTENSION_SEARCH', 'lookup by number');
        const page = await ops.listExtensions({ search: number!, first: 50 });
        hit = page.items.find((i) => i.node.number === number)?.node ?? null;
      }
      if (hit) ctx.loaders.prime(source, hit);
      return hit;
    },
    async node(_p, { id }, ctx) {
      const { gid, source } = routeId(ctx, id, ['Pbx', 'Extension', 'Group']);
      switch (gid.type) {
        case 'Pbx':
          return typed(ctx, source, 'Pbx');
        case 'Extension':
          return typed(ctx, await extensionById(ctx, id), 'Extension');
        case 'Group':
          return typed(ctx, await groupById(ctx, id), 'Group');
        default:
          throw notFound('node');
      }
    },
    groups: (_p, { pbx }, ctx, info) => groupsOf(pbxSources(ctx, pbx), ctx, info),
    group: (_p, { id }, ctx) => groupById(ctx, id),
  },
  Mutation: {
    refreshPbx(_p, { id }, ctx) {
      const source = ctx.sources.get(id);
      if (!source) throw notFound(`pbx ${JSON.stringify(id).slice(0, 80)}`);
      source.clearCache?.();
      return source;
    },
  },
  Node: {
    __resolveType: (obj, ctx) => ctx.nodeTypes.get(obj) ?? null,
  },
  Pbx: {
    id: (s, _a, ctx) => ctx.ids.encode('Pbx', s.id),
    sourceId: (s) => s.id,
    capabilities: (s) => [...s.capabilities].sort(),
    async health(s, _a, ctx): Promise<HealthModel> {
      const started = performance.now();
      try {
        await ctx.loaders.ops(s).healthCheck();
        return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10, errorCode: null };
      } catch (err) {
        return { ok: false, latencyMs: null, errorCode: err instanceof PbxError ? err.code : 'INTERNAL_SERVER_ERROR' };
      }
    },
    extensions: (s, args, ctx, info) => extensionsConnection([s], args, ctx, info),
    groups: (s, _a, ctx, info) => groupsOf([s], ctx, info),
  },
  Extension: {
    __resolveReference: (ref, ctx) => extensionById(ctx, (ref as unknown as { id: string }).id),
    id: (e, _a, ctx) => ctx.ids.encode('Extension', e.sourceId, e.vendorId),
    pbx: (e, _a, ctx) => sourceOf(ctx, e),
    firstName: plain('firstName'),
    lastName: plain('lastName'),
    email: plain('email'),
    language: plain('language'),
    enabled: plain('enabled'),
    callerIds: plain('callerIds'),
    directNumber: plain('directNumber'),
    notes: plain('notes'),
    tenant: plain('tenant'),
    sipDomain: plain('sipDomain'),
    lastUpdated: plain('lastUpdated'),
    outboundDestinations: plain('outboundDestinations'),
    mobileDelaySeconds: plain('mobileDelaySeconds'),
    e911: gated('e911', 'E911', 'E911 address'),
    forwarding: gated('forwarding', 'FORWARDING', 'forwarding rules'),
    presenceRules: gated('presenceRules', 'FORWARDING', 'presence rules'),
    officeHours: gated('officeHours', 'OFFICE_HOURS', 'office hours'),
    subscription: gated('subscription', 'SUBSCRIPTION', 'subscription'),
    voicemail: capable('VOICEMAIL', 'voicemail', self, async (e, ctx) => {
      const settings = await detail(ctx, e, 'voicemail');
      return settings ? { extension: e, settings } : null;
    }),
    // What the record already carries (a list answer's status, devices, queues) is answered at once,
    // without a loader round trip; null means the vendor withheld it (a restricted Telecom X view:
    // asking again gives the same), answered as null with no load.
    // (The connection starts these same loads as soon as a page is known: lookahead.ts.)
    status: capable('STATUS', 'status', self, (e, ctx) => {
      if (!LOADED_FIELDS.status.lacks(e)) return e.status?.status ?? null;
      const s = loadNow(ctx, e, 'status', 'status');
      return s instanceof Promise ? s.then((x) => x.status) : s.status;
    }),
    statusDetail: capable('STATUS', 'status', self, (e, ctx) => (LOADED_FIELDS.statusDetail.lacks(e) ? loadNow(ctx, e, 'status', 'status') : e.status!)),
    devices: capable('DEVICES', 'devices', self, (e, ctx) => (LOADED_FIELDS.devices.lacks(e) ? loadNow(ctx, e, 'devices', 'devices') : e.devices!)),
    queues: capable('QUEUES', 'queues', self, (e, ctx) => (LOADED_FIELDS.queues.lacks(e) ? loadNow(ctx, e, 'queues', 'queues') : e.queues!)),
    groups: capable('GROUPS', 'groups', self, (e, ctx) => {
      const source = sourceOf(ctx, e);
      const ids = LOADED_FIELDS.groups.lacks(e) ? loadNow(ctx, e, 'extensionGroupIds', 'groups') : e.groupIds!;
      return ids instanceof Promise ? ids.then((x) => groupsByIds(ctx, source, x)) : groupsByIds(ctx, source, ids);
    }),
    greetings: capable('GREETINGS', 'greetings', self, (e, ctx) => load(ctx, e, 'greetings', 'greetings')),
    callStatistics: capable('CALL_STATISTICS', 'call statistics', self, (e, ctx) => load(ctx, e, 'callStatistics', 'call statistics')),
  },
  Voicemail: {
    enabled: (v) => v.settings.enabled,
    mailbox: (v) => v.settings.mailbox,
    language: (v) => v.settings.language,
    hasVoicemailPin: (v) => v.settings.hasVoicemailPin,
    playCallerId: (v) => v.settings.playCallerId,
    readOutDateTime: (v) => v.settings.readOutDateTime,
    messages: capable('VOICEMAIL_MESSAGES', 'voicemail messages', (v: VoicemailModel) => v.extension, (v, ctx) =>
      load(ctx, v.extension, 'voicemailMessages', 'voicemail messages'),
    ),
  },
  Device: {
    id: (d, _a, ctx) => ctx.ids.encode('Device', d.sourceId, d.vendorId),
  },
  Queue: {
    id: (q, _a, ctx) => ctx.ids.encode('Queue', q.sourceId, q.vendorId),
  },
  Group: {
    id: (g, _a, ctx) => ctx.ids.encode('Group', g.sourceId, g.vendorId),
    pbx: (g, _a, ctx) => sourceOf(ctx, g),
    async members(g, _a, ctx) {
      const source = sourceOf(ctx, g);
      const ids = g.memberIds ?? (await ctx.loaders.get('group', source)!.load(g.vendorId)).memberIds ?? [];
      const members = await ctx.loaders.get('extension', source)!.loadMany(ids);
      return members.flatMap((m) => (m instanceof Error ? [] : [m]));
    },
  },
  ExtensionEdge: {
    cursor: edgeCursor,
  },
  PageInfo: {
    startCursor: (p) => (p.first ? edgeCursor(p.first) : null),
    endCursor: (p) => (p.last ? edgeCursor(p.last) : null),
  },
};
