import type { SourceAdapter } from '../core/adapter.ts';
import { PbxError, unsupported } from '../core/errors.ts';
import type { LoaderKind } from '../core/loaders.ts';
import type { Extension, Group } from '../domain/types.ts';
import type { GatewayContext } from './context.ts';
import { LOADED_FIELDS, type LoadedField, type LoadedFieldName, type Occurrence, type RowSelection } from './lookahead.ts';
import type { ExtensionModel } from './models.ts';

/** A place in the answer. */
type Path = ReadonlyArray<string | number>;

/** What each loaded field is called in an UNSUPPORTED_BY_VENDOR message. */
const WHAT: Record<LoadedFieldName, string> = { status: 'status', statusDetail: 'status', devices: 'devices', queues: 'queues', groups: 'groups' };

/** A row's loaded values that no batch of this request has settled yet, per loader (kind and source). */
type Missing = Map<string, { kind: LoaderKind; source: SourceAdapter; keys: Set<string> }>;

/**
 * The Extensions a field produces, as the executor reads them (ExtensionModel). The loaded fields the
 * selection asks for (status, devices, queues, groups) are resolved here for every row at once, from
 * what the record carries or what the request's loaders answered, so no per-row resolver runs for
 * them. Whatever no batch has answered yet is loaded first, through the same loaders and keys the
 * resolvers used (a connection has usually started and waited for all of it already: then this is
 * synchronous).
 *
 * Errors keep the per-field semantics a resolver had: a source without the capability answers null
 * and ONE UNSUPPORTED_BY_VENDOR error per source and field, at the first row that asked; a value
 * whose load failed is null with its error at that row's field, once per place the field appears.
 * `base` is the producer's path; `indexed` puts the row's index after it (a list or a connection).
 */
export function extensionRows(ctx: GatewayContext, exts: readonly Extension[], selection: RowSelection, base: Path, indexed: boolean): ExtensionModel[] | Promise<ExtensionModel[]> {
  const fields = [...selection].map(([name, occurrences]) => ({ name, field: LOADED_FIELDS[name] as LoadedField, occurrences }));
  const loaded = new Map<string, unknown>();
  const valueOf = (kind: LoaderKind, source: SourceAdapter, key: string): unknown => {
    const v = ctx.loaders.settled(kind, source, key);
    return v !== undefined ? v : loaded.get(`${kind}\u0000${source.id}\u0000${key}`);
  };
  const build = (): ExtensionModel[] => exts.map((ext, k) => row(ctx, ext, fields, valueOf, base, indexed ? k : undefined));

  // First the loaded fields, then what they lead to (group ids: the groups).
  const missing: Missing = new Map();
  for (const { field } of fields) {
    for (const ext of exts) {
      const source = sourceOf(ctx, ext);
      if (source.capabilities.has(field.capability) && field.lacks(ext) && valueOf(field.kind, source, ext.vendorId) === undefined) {
        need(missing, field.kind, source, ext.vendorId);
      }
    }
  }
  const follow = (): Missing => {
    const next: Missing = new Map();
    for (const { field } of fields) {
      if (!field.next) continue;
      for (const ext of exts) {
        const source = sourceOf(ctx, ext);
        if (!source.capabilities.has(field.capability)) continue;
        const ids = field.lacks(ext) ? valueOf(field.kind, source, ext.vendorId) : ext.groupIds;
        if (!Array.isArray(ids)) continue;
        for (const id of ids as string[]) if (valueOf(field.next, source, id) === undefined) need(next, field.next, source, id);
      }
    }
    return next;
  };
  if (missing.size === 0) {
    const next = follow();
    if (next.size === 0) return build();
    return fill(ctx, next, loaded).then(build);
  }
  return fill(ctx, missing, loaded)
    .then(() => {
      const next = follow();
      return next.size > 0 ? fill(ctx, next, loaded) : undefined;
    })
    .then(build);
}

function need(missing: Missing, kind: LoaderKind, source: SourceAdapter, key: string): void {
  const id = `${kind}\u0000${source.id}`;
  let entry = missing.get(id);
  if (!entry) {
    entry = { kind, source, keys: new Set() };
    missing.set(id, entry);
  }
  entry.keys.add(key);
}

/** Loads what is missing (loadMany: an Error in place of a key that failed, never a rejection). */
async function fill(ctx: GatewayContext, missing: Missing, into: Map<string, unknown>): Promise<void> {
  await Promise.all(
    [...missing.values()].map(async ({ kind, source, keys }) => {
      const list = [...keys];
      const loader = ctx.loaders.get(kind, source);
      const values = loader ? await loader.loadMany(list) : list.map(() => unsupported(kind, source.vendor, source.id));
      for (let i = 0; i < list.length; i++) into.set(`${kind}\u0000${source.id}\u0000${list[i]!}`, values[i]);
    }),
  );
}

function sourceOf(ctx: GatewayContext, ext: Extension): SourceAdapter {
  const s = ctx.sources.get(ext.sourceId);
  // A record can only come from a visible source; anything else is a bug, masked.
  if (!s) throw new Error(`source ${ext.sourceId} vanished`);
  return s;
}

/** One row: the record's plain fields and the asked loaded fields, errors filed as the resolvers did. */
function row(
  ctx: GatewayContext,
  ext: Extension,
  fields: readonly { name: LoadedFieldName; field: LoadedField; occurrences: readonly Occurrence[] }[],
  valueOf: (kind: LoaderKind, source: SourceAdapter, key: string) => unknown,
  base: Path,
  index: number | undefined,
): ExtensionModel {
  // One literal with every property, so every row shares one hidden class.
  const out: ExtensionModel = {
    ext,
    id: ctx.ids.encode('Extension', ext.sourceId, ext.vendorId),
    vendorId: ext.vendorId,
    number: ext.number,
    name: ext.name,
    restricted: ext.restricted,
    status: null,
    statusDetail: null,
    devices: null,
    queues: null,
    groups: null,
  };
  if (fields.length === 0) return out;
  const source = sourceOf(ctx, ext);
  const pathOf = (o: Occurrence): Path => (index === undefined ? [...base, ...o.before, ...o.after] : [...base, ...o.before, index, ...o.after]);
  for (const { name, field, occurrences } of fields) {
    if (!source.capabilities.has(field.capability)) {
      reportUnsupported(ctx, name, source, occurrences[0]!, pathOf);
      continue;
    }
    const value = field.lacks(ext) ? valueOf(field.kind, source, ext.vendorId) : carried(ext, name);
    if (value instanceof Error || value === undefined) {
      const error = publicError(value, source);
      for (const o of occurrences) ctx.partialErrors.push({ error, path: pathOf(o), node: o.node });
      continue;
    }
    switch (name) {
      case 'status':
        out.status = (value as Extension['status'])?.status ?? null;
        break;
      case 'statusDetail':
        out.statusDetail = (value as Extension['status']) ?? null;
        break;
      case 'devices':
        out.devices = (value as Extension['devices']) ?? null;
        break;
      case 'queues':
        out.queues = (value as Extension['queues']) ?? null;
        break;
      case 'groups':
        out.groups = value === null ? null : groupsOf(source, value as readonly string[], valueOf);
        break;
      default: {
        const never: never = name;
        throw new Error(`unhandled field ${String(never)}`);
      }
    }
  }
  return out;
}

/** What the record itself carries for a loaded field (its group ids, for groups). */
function carried(ext: Extension, name: LoadedFieldName): unknown {
  switch (name) {
    case 'status':
    case 'statusDetail':
      return ext.status;
    case 'devices':
      return ext.devices;
    case 'queues':
      return ext.queues;
    case 'groups':
      return ext.groupIds;
    default: {
      const never: never = name;
      throw new Error(`unhandled field ${String(never)}`);
    }
  }
}

/** The groups of these ids; a group that failed to load is left out (as loadMany's errors were). */
function groupsOf(source: SourceAdapter, ids: readonly string[], valueOf: (kind: LoaderKind, source: SourceAdapter, key: string) => unknown): Group[] {
  const groups: Group[] = [];
  for (const id of ids) {
    const g = valueOf('group', source, id);
    if (g !== undefined && !(g instanceof Error)) groups.push(g as Group);
  }
  return groups;
}

/** One UNSUPPORTED_BY_VENDOR per source and field in a request (one per row would bury a dashboard). */
function reportUnsupported(ctx: GatewayContext, name: LoadedFieldName, source: SourceAdapter, o: Occurrence, pathOf: (o: Occurrence) => Path): void {
  const token = `Extension.${name}`;
  let reported = ctx.reported.get(token);
  if (!reported) {
    reported = new Set();
    ctx.reported.set(token, reported);
  }
  if (reported.has(source.id)) return;
  reported.add(source.id);
  ctx.partialErrors.push({ error: unsupported(WHAT[name], source.vendor, source.id), path: pathOf(o), node: o.node });
}

/** A load's failure as a client may see it: our own errors as they are, anything else masked. */
function publicError(err: unknown, source: SourceAdapter): PbxError {
  if (err instanceof PbxError) return err;
  return new PbxError('INTERNAL_SERVER_ERROR', 'Internal server error', source.id, { cause: err });
}
