import type { LoadedFieldName, LoadedFieldValue } from '../core/fields.ts';
import type { Device, Extension, Group, Queue, QueueMembership, VoicemailSettings } from '../domain/types.ts';

/**
 * What resolvers pass between parent and child where the domain object alone is not enough (a
 * global id needs the source id). Codegen `mappers` point the schema types here.
 */

/** The loaded fields of an Extension (core/fields.ts), as plain properties: null when failed, unsupported or not asked. */
export type ExtensionLoadedFields = { [F in LoadedFieldName]?: LoadedFieldValue<F> | null };

/**
 * An Extension as the executor reads it: the record, its global id and plain fields, and the loaded
 * fields the query asked for, resolved ahead by whatever field produced it (server/rows.ts). Those are
 * plain properties without resolvers: graphql-jit compiles them to property reads, where a resolver
 * costs a call, closures and a resolve-info object per row and field. Every other field's resolver
 * reads `ext` (server/record-fields.ts).
 */
export interface ExtensionModel extends ExtensionLoadedFields {
  /** The domain record. */
  ext: Extension;
  /** Global id. */
  id: string;
  /** The vendor's id. */
  vendorId: string;
  /** Extension number. */
  number: string;
  /** Display name. */
  name: string | null;
  /** True when the vendor withheld fields from this record. */
  restricted: boolean;
}

/** The properties every ExtensionModel has besides its loaded fields (the executor reads them as they are). */
export const EXTENSION_MODEL_PROPERTIES = ['id', 'vendorId', 'number', 'name', 'restricted'] as const satisfies readonly (keyof ExtensionModel)[];

/** A device (it carries its source, so its global id needs nothing more). */
export type DeviceModel = Device;
/** A queue. */
export type QueueModel = Queue;
/** A queue membership. */
export type QueueMembershipModel = QueueMembership;
/** A group. */
export type GroupModel = Group;
/** Voicemail settings with the extension they belong to (messages load by it). */
export interface VoicemailModel {
  /** The extension. */
  extension: Extension;
  /** Its settings. */
  settings: VoicemailSettings;
}
/**
 * An edge. Its gateway cursor is encoded only when a client asks for it (a dashboard asking for
 * nodes alone never pays for 250 cursors).
 */
export interface EdgeModel {
  /** The extension. */
  node: ExtensionModel;
  /** The adapter's own cursor of the node. */
  adapterCursor: string;
  /** True for the last edge its source has: the next page starts at the next source. */
  endOfSource: boolean;
}
/** Paging state; start and end cursors come from the first and last edges, on demand. */
export interface PageInfoModel {
  /** More after the last edge. */
  hasNextPage: boolean;
  /** Items before the first edge. */
  hasPreviousPage: boolean;
  /** First edge of the page. */
  first: EdgeModel | undefined;
  /** Last edge of the page. */
  last: EdgeModel | undefined;
}
/** A connection page. */
export interface ConnectionModel {
  /** Edges. */
  edges: EdgeModel[];
  /** Paging state. */
  pageInfo: PageInfoModel;
  /** Total, when known. */
  totalCount: number | null;
}
/** Health of a source. */
export interface HealthModel {
  /** Answered. */
  ok: boolean;
  /** Round trip, ms. */
  latencyMs: number | null;
  /** Public code when not ok. */
  errorCode: string | null;
}
