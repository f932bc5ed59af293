import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { badInput, notFound, PbxError, unsupported } from '../core/errors.ts';
import { decodeId, type GlobalId } from '../core/ids.ts';
import { GATED_FIELDS, LOADS } from '../core/fields.ts';
import type { Capability, Extension } from '../domain/types.ts';
import type { Resolvers } from '../generated/graphql.ts';
import type { GatewayContext } from './context.ts';
import { edgeCursor, extensionsConnection } from './connection.ts';
import type { ExtensionModel, GroupModel, HealthModel, VoicemailModel } from './models.ts';
import { rowSelection } from './lookahead.ts';
import { invalidate } from './invalidate.ts';
import { capable, detail, sourceOf } from './record-fields.ts';
import { extensionRows } from './rows.ts';
import { mutationResolvers } from './mutations.ts';

/*
 * Resolvers stay thin: route by id to a source, ask a per-request DataLoader, shape the answer.
 * Vendor knowledge lives in the adapters; batching and priming in core/loaders.ts.
 */

function requireCapability(source: SourceAdapter, cap: Capability, what: string): void {
  if (!source.capabilities.has(cap)) throw unsupported(what, source.vendor, source.id);
}

/** Voicemail's field as UNSUPPORTED_BY_VENDOR names it. */
const VOICEMAIL = { name: 'Extension.voicemail', what: GATED_FIELDS.voicemail.what };
/** Voicemail messages' field as UNSUPPORTED_BY_VENDOR names it. */
const VOICEMAIL_MESSAGES = { name: 'Voicemail.messages', what: LOADS.voicemailMessages.what };

/**
 * One extension as the executor reads it: what the field's selection asks of it is loaded and
 * resolved ahead (server/rows.ts). `index`: its place in a list answer (`_entities`).
 */
async function oneRow(ctx: GatewayContext, ext: Extension, info: GraphQLResolveInfo, index?: number): Promise<ExtensionModel> {
  const base = responsePathAsArray(info.path);
  const rows = await extensionRows(ctx, [ext], rowSelection(info, []), index === undefined ? base : [...base, index], false);
  return rows[0]!;
}

/** Decodes a client id of an expected type; a source the caller cannot see is NOT_FOUND. */
function routeId(ctx: GatewayContext, id: string, types: readonly GlobalId['type'][]): { gid: GlobalId; source: SourceAdapter } {
  const gid = decodeId(id);
  if (!gid) throw badInput('id is not a valid pbx-graph id');
  if (!types.includes(gid.type)) {
    throw badInput(gid.type === 'Device' || gid.type === 'Queue' ? `a ${gid.type} id is not a global id: reach it through its extension` : `expected ${types.join(' or ')} id, got a ${gid.type} id`);
  }
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
        if (err.code !== 'UNSUPPORTED_BY_VENDOR' || sources.length === 1) ctx.errors.report(err, responsePathAsArray(info.path));
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

/**
 * The visible source a client names: by its configured source id, or by its Pbx global id (the id
 * rule: wherever an object is named, its global id is accepted). NOT_FOUND otherwise.
 */
function sourceNamed(ctx: GatewayContext, ref: string): SourceAdapter {
  const byId = ctx.sources.get(ref);
  if (byId) return byId;
  const gid = decodeId(ref);
  const s = gid?.type === 'Pbx' ? ctx.sources.get(gid.sourceId) : undefined;
  if (!s) throw notFound(`pbx ${JSON.stringify(ref).slice(0, 80)}`);
  return s;
}

function pbxSources(ctx: GatewayContext, pbx: string | null | undefined): SourceAdapter[] {
  if (pbx === null || pbx === undefined) return [...ctx.sources.list];
  return [sourceNamed(ctx, pbx)];
}

/**
 * The resolver map, typed by codegen. A field that is a plain property of its model (Extension id,
 * number, name, vendorId, restricted and its loaded fields, resolved ahead by server/rows.ts; Pbx
 * vendor, name; every Device field but id...) has no resolver on purpose: graphql-jit compiles it to
 * a property read, where a resolver costs a call and a resolve-info object per row.
 */
export const resolvers: Resolvers = {
  Query: {
    pbxes: (_p, _a, ctx) => [...ctx.sources.list],
    pbx: (_p, { id }, ctx) => sourceNamed(ctx, id),
    extensions: (_p, args, ctx, info) => extensionsConnection(pbxSources(ctx, args.pbx), args, ctx, info),
    extension: async (_p, { id }, ctx, info) => oneRow(ctx, await extensionById(ctx, id), info),
    async findExtension(_p, { pbx, number, email, phone }, ctx, info) {
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
      if (!hit) return null;
      ctx.loaders.prime(source, hit);
      return oneRow(ctx, hit, info);
    },
    async node(_p, { id }, ctx, info) {
      const { gid, source } = routeId(ctx, id, ['Pbx', 'Extension', 'Group']);
      switch (gid.type) {
        case 'Pbx':
          return typed(ctx, source, 'Pbx');
        case 'Extension':
          return typed(ctx, await oneRow(ctx, await extensionById(ctx, id), info), 'Extension');
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
    ...mutationResolvers.Mutation,
    refreshPbx(_p, { id }, ctx) {
      const source = sourceNamed(ctx, id);
      invalidate(ctx, source);
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
  // The model's properties (id, vendorId, number, name, restricted and the loaded fields of
  // core/fields.ts) have no resolver; the record's detail fields get theirs from
  // server/record-fields.ts. Only what is neither is here.
  Extension: {
    async __resolveReference(ref, ctx, info) {
      const reference = ref as unknown as { id: string };
      return oneRow(ctx, await extensionById(ctx, reference.id), info, ctx.entityIndex?.get(reference));
    },
    pbx: (m, _a, ctx) => sourceOf(ctx, m.ext),
    voicemail: capable(VOICEMAIL, GATED_FIELDS.voicemail.capability, (m: ExtensionModel) => m.ext, async (m, ctx) => {
      const settings = await detail(ctx, m.ext, 'voicemail');
      return settings ? { extension: m.ext, settings } : null;
    }),
  },
  Voicemail: {
    enabled: (v) => v.settings.enabled,
    mailbox: (v) => v.settings.mailbox,
    language: (v) => v.settings.language,
    hasVoicemailPin: (v) => v.settings.hasVoicemailPin,
    playCallerId: (v) => v.settings.playCallerId,
    readOutDateTime: (v) => v.settings.readOutDateTime,
    messages: capable(VOICEMAIL_MESSAGES, LOADS.voicemailMessages.capability, (v: VoicemailModel) => v.extension, async (v, ctx) => {
      const source = sourceOf(ctx, v.extension);
      const loader = ctx.loaders.get('voicemailMessages', source);
      if (!loader) throw unsupported(VOICEMAIL_MESSAGES.what, source.vendor, source.id);
      return loader.load(v.extension.vendorId);
    }),
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
    async members(g, _a, ctx, info) {
      const source = sourceOf(ctx, g);
      const ids = g.memberIds ?? (await ctx.loaders.get('group', source)!.load(g.vendorId)).memberIds ?? [];
      // References, not full records: every group's members of the request form one batch, the adapter's
      // cheapest way to many extensions (a list walk, not a get per member); a detail field still loads
      // its member's full record when asked. Members that no longer exist are left out.
      const members = await ctx.loaders.get('extensionRef', source)!.loadMany(ids);
      const found = members.flatMap((m) => (m instanceof Error ? [] : [m]));
      return extensionRows(ctx, found, rowSelection(info, []), responsePathAsArray(info.path), true);
    },
  },
  ...Object.fromEntries(Object.entries(mutationResolvers).filter(([k]) => k !== 'Mutation')),
  ExtensionEdge: {
    cursor: edgeCursor,
  },
  PageInfo: {
    startCursor: (p) => (p.first ? edgeCursor(p.first) : null),
    endCursor: (p) => (p.last ? edgeCursor(p.last) : null),
  },
};
