import {
  getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode,
} from 'graphql';
import type { LoaderKind } from '../core/loaders.ts';
import type { Capability, Extension } from '../domain/types.ts';

/**
 * An Extension field served through a loader when the record lacks it: which loader, which
 * capability it needs, and when a record lacks it. The resolvers and the connection's prefetch read
 * this one table, so both load exactly the same keys.
 */
export interface LoadedField {
  /** The loader kind. */
  kind: LoaderKind;
  /** The capability a source needs for it (without it: null plus UNSUPPORTED_BY_VENDOR, no call). */
  capability: Capability;
  /** True when the record does not carry it, so the resolver will load it. */
  lacks(e: Extension): boolean;
  /** The loader kind its values are keys of, when the resolver loads those next (group ids: groups). */
  next?: LoaderKind;
}

const status: LoadedField = { kind: 'status', capability: 'STATUS', lacks: (e) => e.status === undefined };

/** Extension fields a list record may lack, by schema field name. */
export const LOADED_FIELDS = {
  status,
  statusDetail: status,
  devices: { kind: 'devices', capability: 'DEVICES', lacks: (e) => e.devices === undefined },
  queues: { kind: 'queues', capability: 'QUEUES', lacks: (e) => e.queues === undefined },
  // The groups resolver loads the group ids first; the groups themselves follow from those.
  groups: { kind: 'extensionGroupIds', capability: 'GROUPS', lacks: (e) => e.groupIds === undefined || e.groupIds === null, next: 'group' },
} as const satisfies Record<string, LoadedField>;

/** The loaded field of that name, if it is one. */
export const loadedField = (name: string): LoadedField | undefined => (LOADED_FIELDS as Record<string, LoadedField | undefined>)[name];

/**
 * The names of the fields selected on `edges { node { ... } }` below a connection field, through
 * fragments and honouring @skip/@include: what every node of the page will be asked for.
 */
export function nodeFieldNames(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const included = (node: { directives?: readonly unknown[] | undefined }): boolean => {
    if (!node.directives || node.directives.length === 0) return true;
    const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
    if (skip?.['if'] === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
    return include?.['if'] !== false;
  };
  /** Calls `visit` for each field of a selection set, fragments flattened. */
  const fields = (set: SelectionSetNode | undefined, visit: (f: FieldNode) => void, seen = new Set<string>()): void => {
    for (const sel of set?.selections ?? []) {
      if (!included(sel)) continue;
      if (sel.kind === Kind.FIELD) visit(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) fields(sel.selectionSet, visit, seen);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        fields(info.fragments[sel.name.value]?.selectionSet, visit, seen);
      }
    }
  };
  for (const connection of info.fieldNodes) {
    fields(connection.selectionSet, (edges) => {
      if (edges.name.value !== 'edges') return;
      fields(edges.selectionSet, (node) => {
        if (node.name.value !== 'node') return;
        fields(node.selectionSet, (f) => names.add(f.name.value));
      });
    });
  }
  return names;
}
