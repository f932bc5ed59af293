import type { SourceAdapter } from '../core/adapter.ts';
import { unsupported } from '../core/errors.ts';
import { loadOf } from '../core/fields.ts';
import type { LoaderKind } from '../core/loaders.ts';
import type { Extension } from '../domain/types.ts';
import type { GatewayContext } from './context.ts';
import { LOADED, type LoadedField, type LoadedFieldName, type Occurrence, type RowSelection } from './lookahead.ts';
import { EXTENSION_MODEL_PROPERTIES, type ExtensionModel } from './models.ts';
import type { ErrorPath as Path } from './request-errors.ts';

/** The loaded fields in one fixed order: a row's values are filled in this order. */
const LOADED_NAMES = Object.keys(LOADED) as LoadedFieldName[];
/** Each loaded field's place in that order. */
const SLOT = new Map(LOADED_NAMES.map((name, i) => [name, i]));

/**
 * Builds a row as one object literal holding every property of ExtensionModel, generated once from
 * the field table: every row then shares one hidden class with all its properties in the object
 * itself, which adding the loaded fields one keyed store at a time would not give, and the executor
 * reads these properties for every row.
 */
function rowFactory(names: readonly string[]): (ext: Extension, id: string, values: readonly unknown[]) => ExtensionModel {
  for (const name of [...EXTENSION_MODEL_PROPERTIES, ...names]) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a field name: ${name}`);
  // The global id is encoded by the caller; every other plain property is the record's own.
  const plain = EXTENSION_MODEL_PROPERTIES.map((name) => (name === 'id' ? 'id' : `${name}: ext.${name}`));
  const loaded = names.map((name, i) => `${name}: values[${i}]`);
  return new Function('ext', 'id', 'values', `return { ext, ${[...plain, ...loaded].join(', ')} };`) as never;
}
const makeRow = rowFactory(LOADED_NAMES);

/**
 * A loader's answers for one source, by key: what the request's batches settled (live), then what
 * this call loaded itself. Read per row with the key alone: no loader key built per row and field.
 */
class Values {
  #settled: ReadonlyMap<string, unknown> | undefined;
  readonly #filled = new Map<string, unknown>();

  constructor(
    private readonly ctx: GatewayContext,
    /** The loader kind. */
    readonly kind: LoaderKind,
    /** The source. */
    readonly source: SourceAdapter,
    /** The field it serves, as an UNSUPPORTED_BY_VENDOR message names it. */
    private readonly what: string,
  ) {
    this.#settled = ctx.loaders.settledOf(kind, source);
  }

  /** The value or Error answered for `key`, or undefined while none is. */
  get(key: string): unknown {
    const v = this.#settled?.get(key);
    return v !== undefined ? v : this.#filled.get(key);
  }

  /** Loads these keys (loadMany: an Error in place of a key that failed, never a rejection). */
  async fill(keys: ReadonlySet<string>): Promise<void> {
    const list = [...keys];
    const loader = this.ctx.loaders.get(this.kind, this.source);
    this.#settled ??= this.ctx.loaders.settledOf(this.kind, this.source);
    const values = loader ? await loader.loadMany(list) : list.map(() => unsupported(this.what, this.source.vendor, this.source.id));
    for (let i = 0; i < list.length; i++) this.#filled.set(list[i]!, values[i]);
  }
}

/** One asked field, for the rows of one source. */
interface FieldPlan {
  /** Its name, loader, capability and test. */
  field: LoadedField;
  /** Its place among a row's loaded values. */
  slot: number;
  /** Where it appears in the answer. */
  occurrences: readonly Occurrence[];
  /** The source has the capability. */
  supported: boolean;
  /** Already reported as unsupported by this call. */
  reported: boolean;
  /** The answers of its loader. */
  values: Values;
  /** The answers of the loader its values lead to (group ids: groups). */
  next: Values | undefined;
}

/** The asked fields for the rows of one source. */
interface SourcePlan {
  /** The source. */
  source: SourceAdapter;
  /** Its asked fields. */
  fields: FieldPlan[];
}

/**
 * The Extensions a field produces, as the executor reads them (ExtensionModel). The loaded fields the
 * selection asks for (core/fields.ts: status, devices, queues, groups, ...) are resolved here for every row at once, from
 * what the record carries or what the request's loaders answered, so no per-row resolver runs for
 * them. Whatever no batch has answered yet is loaded first, through the request's loaders and keys
 * (a connection has usually started and waited for all of it already: then this is synchronous).
 *
 * Errors are filed per field, as a resolver's would be: a source without the capability answers null
 * and ONE UNSUPPORTED_BY_VENDOR error per source and field, at the first row that asked; a value
 * whose load failed is null with its error at that row's field, once per place the field appears.
 * `base` is the producer's path; `indexed` puts the row's index after it (a list or a connection).
 */
export function extensionRows(ctx: GatewayContext, exts: readonly Extension[], selection: RowSelection, base: Path, indexed: boolean): ExtensionModel[] | Promise<ExtensionModel[]> {
  const asked = [...selection];
  const plans = new Map<string, SourcePlan>();
  const planOf = (sourceId: string): SourcePlan => {
    let plan = plans.get(sourceId);
    if (!plan) {
      const source = ctx.sources.get(sourceId);
      // A record can only come from a visible source; anything else is a bug, masked.
      if (!source) throw new Error(`source ${sourceId} vanished`);
      const fields = asked.map(([name, occurrences]): FieldPlan => {
        const field = LOADED[name];
        const supported = source.capabilities.has(field.capability);
        const what = field.unsupported.what;
        return { field, slot: SLOT.get(name)!, occurrences, supported, reported: false, values: new Values(ctx, field.kind, source, what), next: field.next ? new Values(ctx, field.next, source, what) : undefined };
      });
      plan = { source, fields };
      plans.set(sourceId, plan);
    }
    return plan;
  };
  // Each row's plan (the rows of a page come source by source).
  const rowPlans = new Array<SourcePlan>(exts.length);
  for (let k = 0; k < exts.length; k++) {
    const prev = k > 0 ? rowPlans[k - 1]! : undefined;
    rowPlans[k] = prev && prev.source.id === exts[k]!.sourceId ? prev : planOf(exts[k]!.sourceId);
  }
  if (selection.nested) startNested(ctx, exts, selection.nested, plans);
  const values = new Array<unknown>(LOADED_NAMES.length);
  const build = (): ExtensionModel[] => exts.map((ext, k) => row(ctx, ext, rowPlans[k]!, base, indexed ? k : undefined, values));
  if (asked.length === 0) return build();

  /** What no batch has answered yet: the loaded fields, or what their values lead to. */
  const missing = (following: boolean): Map<Values, Set<string>> => {
    const out = new Map<Values, Set<string>>();
    const need = (values: Values, key: string) => {
      let keys = out.get(values);
      if (!keys) {
        keys = new Set();
        out.set(values, keys);
      }
      keys.add(key);
    };
    for (let k = 0; k < exts.length; k++) {
      const ext = exts[k]!;
      for (const fp of rowPlans[k]!.fields) {
        if (!fp.supported) continue;
        if (!following) {
          if (fp.field.lacks(ext) && fp.values.get(ext.vendorId) === undefined) need(fp.values, ext.vendorId);
          continue;
        }
        if (!fp.next) continue;
        const ids = fp.field.lacks(ext) ? fp.values.get(ext.vendorId) : fp.field.carried(ext);
        if (Array.isArray(ids)) for (const id of ids as string[]) if (fp.next.get(id) === undefined) need(fp.next, id);
      }
    }
    return out;
  };
  const fill = (m: Map<Values, Set<string>>) => Promise.all([...m].map(([values, keys]) => values.fill(keys)));
  const first = missing(false);
  if (first.size === 0) {
    const next = missing(true);
    return next.size === 0 ? build() : fill(next).then(build);
  }
  return fill(first)
    .then(() => {
      const next = missing(true);
      return next.size > 0 ? fill(next) : undefined;
    })
    .then(build);
}

/**
 * Starts the loads asked below a field of the rows (voicemail messages) beside the rows' own, so they
 * share their vendor round; their resolvers then read the same loaders. Not for a row whose record
 * says the field is absent, nor for a source without the capability (its resolver reports that).
 */
function startNested(ctx: GatewayContext, exts: readonly Extension[], nested: ReadonlyMap<string, LoaderKind>, plans: ReadonlyMap<string, SourcePlan>): void {
  for (const [field, kind] of nested) {
    const capability = loadOf(kind).capability;
    for (const { source } of plans.values()) {
      if (capability && !source.capabilities.has(capability)) continue;
      const ids: string[] = [];
      for (const e of exts) if (e.sourceId === source.id && (e as unknown as Record<string, unknown>)[field] !== null) ids.push(e.vendorId);
      // loadMany answers errors in place and never rejects: nothing to await here.
      if (ids.length > 0) void ctx.loaders.get(kind, source)?.loadMany(ids);
    }
  }
}

/** A field's place in the answer for the row at `index` (none: the producer is the row). */
function pathOf(o: Occurrence, base: Path, index: number | undefined): Path {
  return index === undefined ? [...base, ...o.before, ...o.after] : [...base, ...o.before, index, ...o.after];
}

/** One row: the record's plain fields and the asked loaded fields, errors filed per field, as by a resolver. `values`: scratch space. */
function row(ctx: GatewayContext, ext: Extension, plan: SourcePlan, base: Path, index: number | undefined, values: unknown[]): ExtensionModel {
  values.fill(null);
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const fp = fields[i]!;
    const field = fp.field;
    if (!fp.supported) {
      if (!fp.reported) {
        fp.reported = true;
        const first = fp.occurrences[0]!;
        ctx.errors.unsupported(field.unsupported, plan.source, pathOf(first, base, index), first.node);
      }
      continue;
    }
    const value = field.lacks(ext) ? fp.values.get(ext.vendorId) : field.carried(ext);
    if (value instanceof Error || value === undefined) {
      for (const o of fp.occurrences) ctx.errors.report(value, pathOf(o, base, index), o.node, plan.source.id);
      continue;
    }
    values[fp.slot] = value === null ? null : fp.next ? followed(value as readonly string[], fp.next) : field.pick ? field.pick(value) : value;
  }
  return makeRow(ext, ctx.ids.encode('Extension', ext.sourceId, ext.vendorId), values);
}

/** What these keys loaded (group ids: their groups); a key that failed to load is left out, so one bad key does not fail the whole list. */
function followed(keys: readonly string[], values: Values): unknown[] {
  const out: unknown[] = [];
  for (const key of keys) {
    const v = values.get(key);
    if (v !== undefined && !(v instanceof Error)) out.push(v);
  }
  return out;
}
