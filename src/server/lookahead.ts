import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, isAbstractType, isObjectType, Kind, type FieldNode, type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { LoaderKind } from '../core/loaders.ts';
import type { Capability, Extension } from '../domain/types.ts';

/**
 * An Extension field served through a loader when the record lacks it: which loader, which
 * capability it needs, and when a record lacks it. The rows (server/rows.ts) and the connection's
 * prefetch read this one table, so both load exactly the same keys.
 */
export interface LoadedField {
  /** The loader kind. */
  kind: LoaderKind;
  /** The capability a source needs for it (without it: null plus UNSUPPORTED_BY_VENDOR, no call). */
  capability: Capability;
  /** True when the record does not carry it, so its row loads it. */
  lacks(e: Extension): boolean;
  /** The loader kind its values are keys of, when the row loads those next (group ids: groups). */
  next?: LoaderKind;
}

const status: LoadedField = { kind: 'status', capability: 'STATUS', lacks: (e) => e.status === undefined };

/** Extension fields a list record may lack, by schema field name. */
export const LOADED_FIELDS = {
  status,
  statusDetail: status,
  devices: { kind: 'devices', capability: 'DEVICES', lacks: (e) => e.devices === undefined },
  queues: { kind: 'queues', capability: 'QUEUES', lacks: (e) => e.queues === undefined },
  // A row loads the group ids first; the groups themselves follow from those.
  groups: { kind: 'extensionGroupIds', capability: 'GROUPS', lacks: (e) => e.groupIds === undefined || e.groupIds === null, next: 'group' },
} as const satisfies Record<string, LoadedField>;

/** The names of the loaded fields. */
export type LoadedFieldName = keyof typeof LOADED_FIELDS;

/** The loaded field of that name, if it is one. */
export const loadedField = (name: string): LoadedField | undefined =>
  Object.prototype.hasOwnProperty.call(LOADED_FIELDS, name) ? (LOADED_FIELDS as Record<string, LoadedField>)[name] : undefined;

/** Where one field asked of an Extension appears in the answer, relative to the Extension's producer. */
export interface Occurrence {
  /** Response names between the producer's path and the row index (a connection: its `edges` alias). */
  before: readonly string[];
  /** Response names after the row index, down to the field's own (a connection: `node`'s alias, then the field's). */
  after: readonly string[];
  /** The field's node in the document (the error's location). */
  node: FieldNode;
}

/** The loaded fields a selection asks of an Extension, by schema field name, with every place each appears. */
export type RowSelection = ReadonlyMap<LoadedFieldName, readonly Occurrence[]>;

/**
 * What a selection asks of the Extensions a field produces, through fragments and honouring
 * @skip/@include: the loaded fields (LOADED_FIELDS) and where each appears. `through` names the
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
  const fields = (set: SelectionSetNode | undefined, level: number, visit: (f: FieldNode) => void, seen = new Set<string>()): void => {
    for (const sel of set?.selections ?? []) {
      if (!included(sel)) continue;
      if (sel.kind === Kind.FIELD) visit(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (applies(sel.typeCondition?.name.value, level)) fields(sel.selectionSet, level, visit, seen);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = info.fragments[sel.name.value];
        if (fragment && applies(fragment.typeCondition.name.value, level)) fields(fragment.selectionSet, level, visit, seen);
      }
    }
  };
  const walk = (set: SelectionSetNode | undefined, level: number, names: readonly string[]): void => {
    fields(set, level, (f) => {
      const alias = f.alias?.value ?? f.name.value;
      if (level < through.length) {
        if (f.name.value === through[level]) walk(f.selectionSet, level + 1, [...names, alias]);
        return;
      }
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
  return out;
}
