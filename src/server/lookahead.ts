import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, isAbstractType, isObjectType, Kind, type FieldNode, type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { LOADED_FIELDS, loadedField, loadOf, NESTED_LOADS, nextOf, type LoadedFieldDeclaration, type LoadedFieldName, type LoaderKind } from '../core/fields.ts';
import type { Capability, Extension } from '../domain/types.ts';
import type { UnsupportedField } from './request-errors.ts';

/**
 * An Extension field served through a loader when the record lacks it, as core/fields.ts declares
 * it: which loader, which capability it needs, and when a record lacks it. The rows
 * (server/rows.ts) and the connection's prefetch (server/prefetch.ts) read this one table, so both
 * load exactly the same keys.
 */
export interface LoadedField {
  /** Schema field name. */
  name: LoadedFieldName;
  /** The loader kind. */
  kind: LoaderKind;
  /** The capability a source needs for it (without it: null plus UNSUPPORTED_BY_VENDOR, no call). */
  capability: Capability;
  /** The field as UNSUPPORTED_BY_VENDOR errors name it and are de-duplicated by. */
  unsupported: UnsupportedField;
  /** What the record carries of it: undefined when its row must load it, null when the vendor withheld it. */
  carried(e: Extension): unknown;
  /** True when the record does not carry it, so its row loads it. */
  lacks(e: Extension): boolean;
  /** The loader kind its values are keys of, when the row loads those next (group ids: groups). */
  next: LoaderKind | undefined;
  /** The part of the loaded value the field answers, if not all of it. */
  pick: ((value: unknown) => unknown) | undefined;
}

const notCarried = (): undefined => undefined;

/** The loaded fields of Extension, by schema field name (derived from core/fields.ts). */
export const LOADED = Object.fromEntries(
  (Object.entries(LOADED_FIELDS) as [LoadedFieldName, LoadedFieldDeclaration][]).map(([name, decl]): [LoadedFieldName, LoadedField] => {
    const load = loadOf(decl.load);
    // Every kind an Extension field loads is gated by a capability.
    if (!load.capability) throw new Error(`loader kind ${decl.load} of Extension.${name} names no capability`);
    const carried = load.carried ?? notCarried;
    return [
      name,
      {
        name,
        kind: decl.load,
        capability: load.capability,
        unsupported: { name: `Extension.${name}`, what: load.what },
        carried,
        lacks: (e) => carried(e) === undefined,
        next: nextOf(decl.load),
        pick: decl.pick as ((value: unknown) => unknown) | undefined,
      },
    ];
  }),
) as { readonly [F in LoadedFieldName]: LoadedField };

export type { LoadedFieldName };

/** Where one field asked of an Extension appears in the answer, relative to the Extension's producer. */
export interface Occurrence {
  /** Response names between the producer's path and the row index (a connection: its `edges` alias). */
  before: readonly string[];
  /** Response names after the row index, down to the field's own (a connection: `node`'s alias, then the field's). */
  after: readonly string[];
  /** The field's node in the document (the error's location). */
  node: FieldNode;
}

/**
 * The loaded fields a selection asks of an Extension, by schema field name, with every place each
 * appears; `nested`: the loads asked below a field of it (NESTED_LOADS), by the field they sit under.
 */
export interface RowSelection extends ReadonlyMap<LoadedFieldName, readonly Occurrence[]> {
  /** Loader kinds asked below a field of the Extension, by that field's name. */
  readonly nested?: ReadonlyMap<string, LoaderKind>;
}

/**
 * What a selection asks of the Extensions a field produces, through fragments and honouring
 * @skip/@include: the loaded fields (LOADED) and where each appears. `through` names the
 * fields between the producer and the Extension (`['edges', 'node']` for a connection; none for a
 * field that is an Extension or a list of them). Fragments on a type other than Extension or an
 * abstract type of it (`node(id:) { ... on Group { ... } }`) are left out: nothing is loaded for them.
 */
export function rowSelection(info: GraphQLResolveInfo, through: readonly string[]): RowSelection {
  const out = new Map<LoadedFieldName, Occurrence[]>();
  const extensionType = info.schema.getType('Extension');
  const applies = (typeName: string | undefined, level: number): boolean => {
    // Above the Extension (edges, node) the document's validation already ties fragments to the type.
    if (!typeName || level < through.length || typeName === 'Extension') return true;
    const t = info.schema.getType(typeName);
    return t !== undefined && isAbstractType(t) && isObjectType(extensionType) && info.schema.isSubType(t, extensionType);
  };
  const included = (node: { directives?: readonly unknown[] | undefined }): boolean => {
    if (!node.directives || node.directives.length === 0) return true;
    const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
    if (skip?.['if'] === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
    return include?.['if'] !== false;
  };
  /** Calls `visit` for each field of a selection set, fragments flattened. */
  // `level` undefined: below the Extension, where validation already ties fragments to the type.
  const fields = (set: SelectionSetNode | undefined, level: number | undefined, visit: (f: FieldNode) => void, seen = new Set<string>()): void => {
    const fits = (typeName: string | undefined) => level === undefined || applies(typeName, level);
    for (const sel of set?.selections ?? []) {
      if (!included(sel)) continue;
      if (sel.kind === Kind.FIELD) visit(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (fits(sel.typeCondition?.name.value)) fields(sel.selectionSet, level, visit, seen);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = info.fragments[sel.name.value];
        if (fragment && fits(fragment.typeCondition.name.value)) fields(fragment.selectionSet, level, visit, seen);
      }
    }
  };
  const nested = new Map<string, LoaderKind>();
  const walk = (set: SelectionSetNode | undefined, level: number, names: readonly string[]): void => {
    fields(set, level, (f) => {
      const alias = f.alias?.value ?? f.name.value;
      if (level < through.length) {
        if (f.name.value === through[level]) walk(f.selectionSet, level + 1, [...names, alias]);
        return;
      }
      const below = (NESTED_LOADS as Record<string, Record<string, LoaderKind>>)[f.name.value];
      if (below) fields(f.selectionSet, undefined, (g) => {
        const kind = below[g.name.value];
        if (kind) nested.set(f.name.value, kind);
      });
      if (!loadedField(f.name.value)) return;
      const name = f.name.value as LoadedFieldName;
      // The row index follows the first name of `through` (a connection's edges), or comes first.
      const cut = through.length > 0 ? 1 : 0;
      const occurrences = out.get(name) ?? [];
      occurrences.push({ before: names.slice(0, cut), after: [...names.slice(cut), alias], node: f });
      out.set(name, occurrences);
    });
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, 0, []);
  return nested.size > 0 ? Object.assign(out, { nested }) : out;
}
