import DataLoader from 'dataloader';
import type { BatchFn, SourceAdapter, SourceOperations } from './adapter.ts';
import type { RequestScope } from './request-scope.ts';
import type { Extension } from '../domain/types.ts';
import { loadOf, type LoaderKind, type LoaderValues } from './fields.ts';

export type { LoaderKind, LoaderValues } from './fields.ts';

function batchFnOf<K extends LoaderKind>(kind: K, a: SourceOperations): BatchFn<LoaderValues[K]> | undefined {
  const load = loadOf(kind);
  const fn = a[load.method] ?? (load.fallback ? a[load.fallback] : undefined);
  return fn as BatchFn<LoaderValues[K]> | undefined;
}

/**
 * What a record already carries for a loader kind, or undefined when the kind must be loaded. A list
 * or get answer often carries more than its own fields (VitalPBX devices and queues, Telecom X
 * phones, Point VoIP registrations); asking for it again must cost no vendor call.
 */
function carried<K extends LoaderKind>(kind: K, ext: Extension | undefined): LoaderValues[K] | undefined {
  if (ext === undefined) return undefined;
  // null means the vendor withheld it (a restricted view): the rows answer that without a load.
  return (loadOf(kind).carried?.(ext) ?? undefined) as LoaderValues[K] | undefined;
}

/**
 * The per-request DataLoaders: one per (kind, source), created on first use and dropped with the
 * request, so nothing cached outlives it or crosses from one caller to another. Batches go to the
 * adapter's batch functions, which answer one result per key in key order.
 *
 * Records a list or get answered are remembered per source (`prime`), and a batch takes from them
 * what they carry before asking the adapter for the rest. Remembering is one map entry per record,
 * where priming every loader kind up front would make a DataLoader cache entry and a resolved promise
 * per kind and record that a page mostly never reads.
 */
export class Loaders {
  readonly #loaders = new Map<string, DataLoader<string, unknown>>();
  readonly #known = new Map<string, Map<string, Extension>>();
  readonly #ops = new Map<string, SourceOperations>();
  // What each loader's batches answered, by key: read synchronously through `settledOf`.
  readonly #settled = new Map<string, Map<string, unknown>>();

  constructor(
    /** The request these loaders belong to: every vendor call they cause is counted in it. */
    readonly scope: RequestScope,
  ) {}

  /** The source's operations for this request (vendor calls counted in its scope). */
  ops(source: SourceAdapter): SourceOperations {
    let ops = this.#ops.get(source.id);
    if (!ops) {
      ops = source.forRequest(this.scope);
      this.#ops.set(source.id, ops);
    }
    return ops;
  }

  /** The loader of `kind` for `source`; undefined when the adapter cannot serve that kind. */
  get<K extends LoaderKind>(kind: K, source: SourceAdapter): DataLoader<string, LoaderValues[K]> | undefined {
    const key = `${kind}\u0000${source.id}`;
    let loader = this.#loaders.get(key);
    if (!loader) {
      const ops = this.ops(source);
      const fn = batchFnOf(kind, ops);
      if (!fn) return undefined;
      const settled = new Map<string, unknown>();
      this.#settled.set(key, settled);
      loader = new DataLoader<string, unknown>(
        (keys) =>
          this.#batch(kind, source.id, ops, fn, keys).then((values) => {
            for (let i = 0; i < keys.length; i++) settled.set(keys[i]!, values[i]);
            return values;
          }),
        { maxBatchSize: 500 },
      );
      this.#loaders.set(key, loader);
    }
    return loader as DataLoader<string, LoaderValues[K]>;
  }

  /**
   * Everything this request's batches of `kind` for `source` answered so far, by key: a value, or the
   * Error that load would reject with; undefined before its loader exists. Live: it fills as batches
   * answer. Rows built once their loads are in read it at once (server/rows.ts): a pending promise
   * per row and field costs the executor a continuation each.
   */
  settledOf(kind: LoaderKind, source: SourceAdapter): ReadonlyMap<string, unknown> | undefined {
    return this.#settled.get(`${kind}\u0000${source.id}`);
  }

  /** Drops every loader and remembered record (the request has answered; see server/app.ts). */
  release(): void {
    this.#loaders.clear();
    this.#settled.clear();
    this.#known.clear();
    this.#ops.clear();
  }

  /**
   * Drops what this request loaded or remembered of `source` (every kind: a write may change any of
   * them), so that a read after a write in the same request asks the adapter again.
   */
  forget(source: SourceAdapter): void {
    const suffix = `\u0000${source.id}`;
    for (const key of [...this.#loaders.keys()]) {
      if (!key.endsWith(suffix)) continue;
      this.#loaders.delete(key);
      this.#settled.delete(key);
    }
    this.#known.delete(source.id);
  }

  /** Remembers what a list or get answer carried for `ext`, so loading it again costs no vendor call. */
  prime(source: SourceAdapter, ext: Extension): void {
    let known = this.#known.get(source.id);
    if (!known) {
      known = new Map();
      this.#known.set(source.id, known);
    }
    known.set(ext.vendorId, ext);
  }

  /** One batch: carried values first, the adapter for the rest; one result per key, in key order. */
  async #batch<K extends LoaderKind>(kind: K, sourceId: string, ops: SourceOperations, fn: BatchFn<LoaderValues[K]>, keys: readonly string[]): Promise<ReadonlyArray<LoaderValues[K] | Error>> {
    const known = this.#known.get(sourceId);
    if (!known) return fn.call(ops, keys);
    const out = new Array<LoaderValues[K] | Error>(keys.length);
    const missing: string[] = [];
    const at: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const value = carried(kind, known.get(keys[i]!));
      if (value === undefined) {
        missing.push(keys[i]!);
        at.push(i);
      } else out[i] = value;
    }
    if (missing.length > 0) {
      const loaded = await fn.call(ops, missing);
      for (let j = 0; j < at.length; j++) out[at[j]!] = loaded[j]!;
    }
    return out;
  }
}
