import type { RequestScope } from './request-scope.ts';
import type { SourceWrites, WritesFactory } from './writes.ts';
import type {
  Capability, CallStatistics, Device, Extension, Greeting, Group, QueueMembership, StatusInfo, VoicemailMessage,
} from '../domain/types.ts';

/** A page request in the adapter's own terms; `after` is the adapter's own opaque cursor. */
export interface ListQuery {
  /** Free-text search, if any. */
  search?: string | undefined;
  /** Page size. */
  first: number;
  /** The adapter cursor of the previous page's end, undefined for the first page. */
  after?: string | undefined;
  /**
   * Answer from the vendor now, not from a whole-list cache, and keep that answer in the cache for
   * every other caller (the live watcher sets how fresh status is). Adapters without one ignore it.
   */
  fresh?: boolean | undefined;
}

/** One page of an adapter's list. */
export interface Page<T> {
  /** Items with the adapter cursor that follows each. */
  items: { node: T; cursor: string }[];
  /** More items follow the last one. */
  hasNextPage: boolean;
  /** Items precede the first one. */
  hasPreviousPage: boolean;
  /** Total count, when the vendor tells it. */
  totalCount: number | null;
}

/** How to find one extension other than by id. */
export interface ExtensionLookup {
  /** Extension number. */
  number?: string | undefined;
  /** E-mail. */
  email?: string | undefined;
  /** Phone. */
  phone?: string | undefined;
}

/** One extension's live status as a vendor reported it (a push event, or a poll's answer). */
export interface StatusSighting {
  /** The extension (a list record is enough). */
  ext: Extension;
  /** Its status now. */
  status: StatusInfo;
}

/** A running feed of a vendor's status pushes. */
export interface StatusFeed {
  /** Stops consuming the vendor's pushes and releases their socket. */
  close(): void;
}

/** A batch function: one result per key, in key order, an Error in place of a missing key. */
export type BatchFn<V> = (vendorIds: readonly string[]) => Promise<ReadonlyArray<V | Error>>;

/**
 * What a source can be asked. Per-extension lookups are batch functions (the per-request DataLoaders
 * call them, as core/fields.ts declares); a method is absent exactly when the capability is absent.
 * Required of every vendor: listExtensions, loadExtensions and healthCheck. test/adapters.test.ts
 * checks this contract over each vendor's simulator, which must honour `size` and serve at least
 * 20 extensions.
 */
export interface SourceOperations {
  /** One page of extensions. */
  listExtensions(query: ListQuery): Promise<Page<Extension>>;
  /** Full extension records by vendor id (the single get). */
  loadExtensions: BatchFn<Extension>;
  /**
   * The cheapest records for many ids at once (`node`, `extension`, Federation `_entities`): may be
   * `partial` list records where the vendor has a list but no batch get; absent means loadExtensions.
   */
  loadExtensionRefs?: BatchFn<Extension>;
  /** Finds one extension by number, e-mail or phone; null when there is none. */
  findExtension?(lookup: ExtensionLookup): Promise<Extension | null>;
  /** Live status by vendor id. */
  loadStatus?: BatchFn<StatusInfo>;
  /** Devices by vendor id. */
  loadDevices?: BatchFn<Device[]>;
  /** Queue memberships by vendor id. */
  loadQueues?: BatchFn<QueueMembership[]>;
  /** Group vendor ids of each extension, by extension vendor id. */
  loadExtensionGroupIds?: BatchFn<string[]>;
  /** Groups by group vendor id. */
  loadGroups?: BatchFn<Group>;
  /** Every group of the source. */
  listGroups?(): Promise<Group[]>;
  /** Voicemail messages by vendor id. */
  loadVoicemailMessages?: BatchFn<VoicemailMessage[]>;
  /** Greeting files by vendor id. */
  loadGreetings?: BatchFn<Greeting[]>;
  /** Call statistics by vendor id. */
  loadCallStatistics?: BatchFn<CallStatistics>;
  /** One cheap call that proves the vendor answers with these credentials. */
  healthCheck(): Promise<void>;
}

/** What a write changed, in vendor ids: one extension, one group, or (neither) anything of the source. */
export interface ForgetTarget {
  /** The extension's vendor id. */
  extension?: string;
  /** The group's vendor id. */
  group?: string;
}

/**
 * One configured PBX source. Every vendor implements this and nothing else is known of it outside its
 * folder. Its operations, called on the adapter itself, are not tied to any request; a GraphQL
 * request asks `forRequest(scope)` for the same operations counting their vendor calls in its scope
 * and sharing its identical in-flight reads. Caches, sessions and sockets belong to the adapter and
 * are shared by every request.
 *
 * Vendor answers are parsed once and deep-frozen (core/answer-memo.ts), and what an adapter derives
 * from them (mapped rows, indexes) is shared by every request that read the same answer: nothing may
 * write into a record an operation returned, because the next request would see the change. A write
 * builds new objects and then calls `forget`, so the next read asks the vendor again.
 */
export interface SourceAdapter extends SourceOperations {
  /** Configured source id. */
  readonly id: string;
  /** Vendor key. */
  readonly vendor: string;
  /** Display name. */
  readonly name: string;
  /** What this vendor can answer. */
  readonly capabilities: ReadonlySet<Capability>;
  /**
   * Capabilities whose data every record of a list page already carries (VitalPBX: devices and
   * queues; PortSIP: none, its status is one more call). A page that lacks one a query asks for
   * needs a second vendor round, so that list call is sent first.
   */
  readonly listCarries: ReadonlySet<Capability>;
  /** True when `vendorId` has the vendor's id syntax; a false id is BAD_USER_INPUT with no call. */
  isValidExtensionId(vendorId: string): boolean;
  /** These operations for one GraphQL request (the same methods as the adapter's own). */
  forRequest(scope: RequestScope): SourceOperations;
  /**
   * Consumes the vendor's own status push (PortSIP's `extension_events`, for example) where it
   * documents one: `onStatus` gets the extensions whose status the vendor reports. Absent: the live
   * watcher polls the source's cheapest status call instead (src/live/watcher.ts).
   */
  watchStatus?(onStatus: (sightings: readonly StatusSighting[]) => void, onError: (err: Error) => void): StatusFeed;
  /**
   * Drops what the adapter remembers of one record (`target`, vendor ids) or, with no target, of the
   * whole source: whole-list caches, the group index, remembered vendor answers. Called after a write
   * (server/invalidate.ts), so that the next read reflects it; dropping more than the record is allowed.
   */
  forget(target?: ForgetTarget): void;
  /** The source's writes (core/writes.ts) counted in `scope`; absent when the vendor publishes none. */
  writes?(scope: RequestScope | undefined): SourceWrites;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}

/** What a vendor folder supplies to make its SourceAdapter. */
export interface AdapterParts {
  /** The source's config (id and display name). */
  cfg: { readonly id: string; readonly name: string };
  /** Vendor key. */
  vendor: string;
  /** What this vendor can answer. */
  capabilities: ReadonlySet<Capability>;
  /** Capabilities every list record carries (SourceAdapter.listCarries). */
  listCarries: ReadonlySet<Capability>;
  /** The vendor's extension id syntax. */
  idPattern: RegExp;
  /** The source's operations, counted in `scope` when there is one. */
  operations(scope: RequestScope | undefined): SourceOperations;
  /** The source's HTTP client: its remembered answers are dropped by `forget`, and it is closed with the adapter. */
  http: { close(): void; forgetAnswers?(): void };
  /** Whole-list caches and indexes that outlive a request, cleared by `forget` and on close (`close`, when they have it). */
  caches?: readonly { clear(): void; close?(): void }[];
  /** The source's writes; absent when the vendor publishes none. */
  writes?: WritesFactory;
}

/** The one way a vendor folder assembles its adapter, so every source answers the same shape. */
export function assembleAdapter(parts: AdapterParts): SourceAdapter {
  const { cfg, idPattern, operations, http, caches = [] } = parts;
  const clear = () => {
    for (const cache of caches) cache.clear();
  };
  // The caches hold whole lists and indexes, so one record's write drops them whole.
  const forget = (_target?: ForgetTarget) => {
    clear();
    http.forgetAnswers?.();
  };
  return {
    id: cfg.id,
    vendor: parts.vendor,
    name: cfg.name,
    capabilities: parts.capabilities,
    listCarries: parts.listCarries,
    isValidExtensionId: (id) => idPattern.test(id),
    ...operations(undefined),
    forRequest: operations,
    forget,
    ...(parts.writes ? { writes: parts.writes } : {}),
    async close() {
      for (const cache of caches) (cache.close ?? cache.clear).call(cache);
      http.close();
    },
  };
}
