import type { SourceAdapter } from '../core/adapter.ts';
import type { CircuitState } from '../core/http.ts';
import type { Extension, StatusInfo } from '../domain/types.ts';

/** One status change as the watcher publishes it on the change feed (JSON). */
export interface StatusChange {
  /** The extension record (a list record; its `status` is the new one). */
  ext: Extension;
  /** The new status. */
  status: StatusInfo;
  /** The status before. */
  previous: StatusInfo;
  /** When the watcher saw it (ISO). */
  at: string;
}

/** A change feed message: the changes one poll of one source found. */
export interface StatusMessage {
  /** The source. */
  sourceId: string;
  /** Its changes. */
  changes: StatusChange[];
}

/** An ExtensionStatusEvent as the executor reads it: one object shared by every local subscriber. */
export type StatusEventModel = StatusChange;

/** A PbxHealthEvent as the executor reads it. */
export interface HealthEventModel {
  /** The source. */
  source: SourceAdapter;
  /** The circuit's new state. */
  state: CircuitState;
  /** When (ISO). */
  at: string;
}
