import type { Device, Extension, Group, Queue, QueueMembership, VoicemailSettings } from '../domain/types.ts';

/**
 * What resolvers pass between parent and child where the domain object alone is not enough (a
 * global id needs the source id). Codegen `mappers` point the schema types here.
 */

/** A device and the source it came from. */
export type DeviceModel = Device & { sourceId: string };
/** A queue and its source. */
export type QueueModel = Queue & { sourceId: string };
/** A membership whose queue knows its source. */
export type QueueMembershipModel = Omit<QueueMembership, 'queue'> & { queue: QueueModel };
/** A group and its source. */
export type GroupModel = Group & { sourceId: string };
/** Voicemail settings with the extension they belong to (messages load by it). */
export interface VoicemailModel {
  /** The extension. */
  extension: Extension;
  /** Its settings. */
  settings: VoicemailSettings;
}
/** An edge. */
export interface EdgeModel {
  /** Gateway cursor. */
  cursor: string;
  /** The extension. */
  node: Extension;
}
/** A connection page. */
export interface ConnectionModel {
  /** Edges. */
  edges: EdgeModel[];
  /** Paging state. */
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
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
