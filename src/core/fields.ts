import type { BatchFn, SourceOperations } from './adapter.ts';
import type { Capability, Extension, StatusInfo } from '../domain/types.ts';

/*
 * The one declaration of how each piece of extension data reaches a client. The loaders
 * (core/loaders.ts), the lookahead (server/lookahead.ts), the rows (server/rows.ts), the model
 * (server/models.ts), the resolvers and the adapter contract test all read these tables: a loaded
 * Extension field is one entry here plus the adapters' batch operation. Plain fields of the domain
 * record need no entry (server/record-fields.ts serves them).
 */

/** The batch operations of SourceOperations: those a per-request DataLoader calls. */
export type BatchMethod = {
  [M in keyof SourceOperations]-?: NonNullable<SourceOperations[M]> extends BatchFn<infer _V> ? M : never;
}[keyof SourceOperations];

/** One loader kind: the batch operation that serves it, and what an extension record carries of it. */
export interface LoadDeclaration {
  /** The adapter's batch operation (absent on an adapter exactly when `capability` is absent). */
  method: BatchMethod;
  /** The operation used when the adapter has no `method` (references load full records). */
  fallback?: BatchMethod;
  /** The capability a source needs for it; a source without it answers null plus UNSUPPORTED_BY_VENDOR, with no call. */
  capability?: Capability;
  /** What it is called in an UNSUPPORTED_BY_VENDOR message. */
  what: string;
  /** What a record already carries of it: undefined when it must be loaded, null when the vendor withheld it. */
  carried?: (e: Extension) => unknown;
  /** The loader kind its values are keys of, loaded next for a row (group ids lead to groups). */
  next?: string;
}

/** Every loader kind, by name. */
export const LOADS = {
  extension: { method: 'loadExtensions', what: 'extension', carried: (e) => (e.partial ? undefined : e) },
  extensionRef: { method: 'loadExtensionRefs', fallback: 'loadExtensions', what: 'extension', carried: (e) => e },
  status: { method: 'loadStatus', capability: 'STATUS', what: 'status', carried: (e) => e.status },
  devices: { method: 'loadDevices', capability: 'DEVICES', what: 'devices', carried: (e) => e.devices },
  queues: { method: 'loadQueues', capability: 'QUEUES', what: 'queues', carried: (e) => e.queues },
  extensionGroupIds: { method: 'loadExtensionGroupIds', capability: 'GROUPS', what: 'groups', carried: (e) => e.groupIds, next: 'group' },
  group: { method: 'loadGroups', capability: 'GROUPS', what: 'groups' },
  voicemailMessages: { method: 'loadVoicemailMessages', capability: 'VOICEMAIL_MESSAGES', what: 'voicemail messages' },
  greetings: { method: 'loadGreetings', capability: 'GREETINGS', what: 'greetings' },
  callStatistics: { method: 'loadCallStatistics', capability: 'CALL_STATISTICS', what: 'call statistics' },
} as const satisfies Record<string, LoadDeclaration>;

/** A loader kind. */
export type LoaderKind = keyof typeof LOADS;

/**
 * Loads asked below an Extension field (`voicemail { messages }`), by field and subfield: started
 * beside the row's own loads so they share its vendor round, then answered by their resolver.
 */
export const NESTED_LOADS = {
  voicemail: { messages: 'voicemailMessages' },
} as const satisfies Record<string, Record<string, LoaderKind>>;

/** The value each loader kind yields per key, as its batch operation declares it. */
export type LoaderValues = {
  [K in LoaderKind]: NonNullable<SourceOperations[(typeof LOADS)[K]['method']]> extends BatchFn<infer V> ? V : never;
};

/** An Extension field answered from a loader kind when the record does not carry it. */
export interface LoadedFieldDeclaration {
  /** Its loader kind (its capability, message and carried value are the kind's). */
  load: LoaderKind;
  /** The part of the loaded value the field answers; none: all of it (a kind with `next`: what those keys load). */
  pick?: (value: never) => unknown;
}

/** An Extension field read from the record (or its single get) that a source needs a capability for. */
export interface GatedFieldDeclaration {
  /** The capability it needs. */
  capability: Capability;
  /** What it is called in an UNSUPPORTED_BY_VENDOR message. */
  what: string;
}

/**
 * The loaded fields of Extension, by schema field name: resolved ahead for every row at once by the
 * field that produced the rows, and plain properties of the model (no resolver per row).
 */
export const LOADED_FIELDS = {
  status: { load: 'status', pick: (s: StatusInfo) => s.status },
  statusDetail: { load: 'status' },
  devices: { load: 'devices' },
  queues: { load: 'queues' },
  groups: { load: 'extensionGroupIds' },
  greetings: { load: 'greetings' },
  callStatistics: { load: 'callStatistics' },
} as const satisfies Record<string, LoadedFieldDeclaration>;

/** The record fields of Extension a source needs a capability for, by schema field name. */
export const GATED_FIELDS = {
  e911: { capability: 'E911', what: 'E911 address' },
  forwarding: { capability: 'FORWARDING', what: 'forwarding rules' },
  presenceRules: { capability: 'FORWARDING', what: 'presence rules' },
  officeHours: { capability: 'OFFICE_HOURS', what: 'office hours' },
  subscription: { capability: 'SUBSCRIPTION', what: 'subscription' },
  voicemail: { capability: 'VOICEMAIL', what: 'voicemail' },
} as const satisfies Record<string, GatedFieldDeclaration>;

/** The name of a loaded Extension field. */
export type LoadedFieldName = keyof typeof LOADED_FIELDS;

/** What a loaded field answers: its pick, else what its kind's `next` loads (a list), else the kind's value. */
export type LoadedFieldValue<F extends LoadedFieldName> = (typeof LOADED_FIELDS)[F] extends { pick: (v: never) => infer R }
  ? R
  : (typeof LOADS)[(typeof LOADED_FIELDS)[F]['load']] extends { next: infer N extends LoaderKind }
    ? LoaderValues[N][]
    : LoaderValues[(typeof LOADED_FIELDS)[F]['load']];

/** The kinds named as `next`: each must be a loader kind (checked when this compiles). */
type NextKinds = { [K in LoaderKind]: (typeof LOADS)[K] extends { next: infer N } ? N : never }[LoaderKind];
const NEXT_IS_A_KIND: NextKinds extends LoaderKind ? true : false = true;
void NEXT_IS_A_KIND;

/** The loader kind whose keys a kind's values are, if any (group ids: groups). */
export const nextOf = (kind: LoaderKind): LoaderKind | undefined => (LOADS[kind] as LoadDeclaration).next as LoaderKind | undefined;

/** The declaration of a loader kind. */
export const loadOf = (kind: LoaderKind): LoadDeclaration => LOADS[kind];

/** The loaded field of that schema name, if it is one. */
export const loadedField = (name: string): LoadedFieldDeclaration | undefined =>
  Object.prototype.hasOwnProperty.call(LOADED_FIELDS, name) ? (LOADED_FIELDS as Record<string, LoadedFieldDeclaration>)[name] : undefined;
