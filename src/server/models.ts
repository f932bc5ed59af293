import type { Device, Extension, Group, Queue, QueueMembership, VoicemailSettings } from '../domain/types.ts';

/**
 * What resolvers pass between parent and child where the domain object alone is not enough (a
 * global id needs the source id). Codegen `mappers` point the schema types here.
 */

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
  node: Extension;
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
