import type { Device, Extension, ExtensionStatus, Group, Queue, QueueMembership, StatusInfo, VoicemailSettings } from '../domain/types.ts';

/**
 * What resolvers pass between parent and child where the domain object alone is not enough (a
 * global id needs the source id). Codegen `mappers` point the schema types here.
 */

/**
 * An Extension as the executor reads it: the record, its global id and plain fields, and the loaded
 * fields the query asked for, resolved ahead by whatever field produced it (server/rows.ts). Those are
 * plain properties without resolvers: graphql-jit compiles them to property reads, where a resolver
 * costs a call, three closures and a resolve-info object per row and field (a 250-row dashboard asked
 * about 1,900 of them). Every other field's resolver reads `ext`.
 */
export interface ExtensionModel {
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
  /** Live status, when asked (null: unknown, failed or unsupported). */
  status?: ExtensionStatus | null;
  /** Live status in detail, when asked. */
  statusDetail?: StatusInfo | null;
  /** Devices, when asked. */
  devices?: Device[] | null;
  /** Queue memberships, when asked. */
  queues?: QueueMembership[] | null;
  /** Groups, when asked. */
  groups?: Group[] | null;
}

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
