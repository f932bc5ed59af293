import DataLoader from 'dataloader';
import type { BatchFn, SourceAdapter } from './adapter.ts';
import type { CallStatistics, Device, Extension, Greeting, Group, QueueMembership, StatusInfo, VoicemailMessage } from '../domain/types.ts';

/** The value each loader kind yields per key. */
export interface LoaderValues {
  extension: Extension;
  extensionRef: Extension;
  status: StatusInfo;
  devices: Device[];
  queues: QueueMembership[];
  extensionGroupIds: string[];
  group: Group;
  voicemailMessages: VoicemailMessage[];
  greetings: Greeting[];
  callStatistics: CallStatistics;
}

/** A loader kind. */
export type LoaderKind = keyof LoaderValues;

/**
 * Which adapter method serves each loader kind. A mapped type over LoaderKind: a new kind does not
 * compile until it names its method.
 */
const METHOD_OF: { readonly [K in LoaderKind]: keyof SourceAdapter } = {
  extension: 'loadExtensions',
  extensionRef: 'loadExtensionRefs',
  status: 'loadStatus',
  devices: 'loadDevices',
  queues: 'loadQueues',
  extensionGroupIds: 'loadExtensionGroupIds',
  group: 'loadGroups',
  voicemailMessages: 'loadVoicemailMessages',
  greetings: 'loadGreetings',
  callStatistics: 'loadCallStatistics',
};

function batchFnOf<K extends LoaderKind>(kind: K, a: SourceAdapter): BatchFn<LoaderValues[K]> | undefined {
  // Without a cheaper by-id lookup, references load full records.
  const fn = a[METHOD_OF[kind]] ?? (kind === 'extensionRef' ? a.loadExtensions : undefined);
  return fn as BatchFn<LoaderValues[K]> | undefined;
}

/**
 * The per-request DataLoaders: one per (kind, source), created on first use and dropped with the
 * request, so nothing cached outlives it or crosses from one caller to another. Batches go to the
 * adapter's batch functions, which answer one result per key in key order.
 */
export class Loaders {
  readonly #loaders = new Map<string, DataLoader<string, unknown>>();

  /** The loader of `kind` for `source`; undefined when the adapter cannot serve that kind. */
  get<K extends LoaderKind>(kind: K, source: SourceAdapter): DataLoader<string, LoaderValues[K]> | undefined {
    const key = `${kind}\u0000${source.id}`;
    let loader = this.#loaders.get(key);
    if (!loader) {
      const fn = batchFnOf(kind, source);
      if (!fn) return undefined;
      loader = new DataLoader<string, unknown>((keys) => fn.call(source, keys), { maxBatchSize: 500 });
      this.#loaders.set(key, loader);
    }
    return loader as DataLoader<string, LoaderValues[K]>;
  }

  /**
   * Primes the loaders from what a list or get answer already carried (VitalPBX devices and queues,
   * PortSIP status, Telecom X phones), so asking for it again costs no vendor call.
   */
  prime(source: SourceAdapter, ext: Extension): void {
    const id = ext.vendorId;
    if (!ext.partial) this.get('extension', source)?.prime(id, ext);
    this.get('extensionRef', source)?.prime(id, ext);
    if (ext.status) this.get('status', source)?.prime(id, ext.status);
    if (ext.devices) this.get('devices', source)?.prime(id, ext.devices);
    if (ext.queues) this.get('queues', source)?.prime(id, ext.queues);
    if (ext.groupIds) this.get('extensionGroupIds', source)?.prime(id, ext.groupIds);
  }
}
