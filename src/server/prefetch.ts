import type { SourceAdapter } from '../core/adapter.ts';
import type { LoaderKind } from '../core/loaders.ts';
import type { Extension } from '../domain/types.ts';
import type { GatewayContext } from './context.ts';
import { LOADED, type LoadedField, type RowSelection } from './lookahead.ts';
import { PageHints } from './page-hints.ts';

/** One source's page: the connection field's arguments, and the `first` and `after` that source is asked. */
export interface PageArgs {
  /** Every argument of the connection field. */
  args: Readonly<Record<string, unknown>>;
  /** The source's share of the page. */
  first: number;
  /** The source's own cursor, if any. */
  after: string | undefined;
}

const hintKey = (source: SourceAdapter, page: PageArgs): string => PageHints.key(source.id, page.args, page.first, page.after);

/**
 * The loads a connection's rows will ask for, started as early as they can be: beside a source's
 * list call when an earlier answer of the same page predicts them (page-hints.ts), else as soon as
 * the page is known. The connection does paging; this decides what to load ahead and when.
 */
export interface PagePrefetch {
  /** A wait before this source's list call, when its list is off the critical path; undefined: call now. */
  turn(source: SourceAdapter): Promise<void> | undefined;
  /** The list call of this page has just been sent: starts the loads it led to last time. */
  listing(source: SourceAdapter, page: PageArgs): void;
  /** The page came back with these records: starts what their rows need and was not started, and remembers it. */
  listed(source: SourceAdapter, page: PageArgs, nodes: readonly Extension[]): void;
  /** The page did not come back: forgets it, and waits for none of its loads. */
  failed(source: SourceAdapter, page: PageArgs): void;
  /** Resolves when every load of the pages that came back has answered, one turn of the event loop later. */
  settled(): Promise<void>;
}

/** The same ids in the same order. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The prefetch of one connection field whose Extensions are asked `selection`. */
export function pagePrefetch(ctx: GatewayContext, selection: RowSelection): PagePrefetch {
  // One field per loader kind (status and statusDetail load the same).
  const byKind = new Map<LoaderKind, LoadedField>();
  for (const name of selection.keys()) byKind.set(LOADED[name].kind, LOADED[name]);
  const fields = [...byKind.values()];
  // Loads of the pages that came back (waited for), and of pages still in flight (per source).
  const loading: Promise<unknown>[] = [];
  const pending = new Map<string, { key: string; predicted: ReadonlyMap<LoaderKind, readonly string[]> | undefined; mine: Promise<unknown>[] }>();

  const start = (into: Promise<unknown>[], f: LoadedField, source: SourceAdapter, ids: readonly string[]) => {
    const loads = ctx.loaders.get(f.kind, source)?.loadMany(ids);
    if (!loads) return;
    const next = f.next;
    into.push(
      next
        ? loads.then((values) => {
            const keys = new Set<string>();
            for (const v of values) if (Array.isArray(v)) for (const k of v as string[]) keys.add(k);
            return keys.size > 0 ? ctx.loaders.get(next, source)?.loadMany([...keys]) : undefined;
          })
        : loads,
    );
  };

  return {
    turn(source) {
      // Critical path first: a source whose list records carry all this query needs is asked one turn
      // later, so the list calls that lead to a second round (PortSIP's status) leave first.
      const second = fields.some((f) => source.capabilities.has(f.capability) && !source.listCarries.has(f.capability));
      return second ? undefined : nextTurn();
    },
    listing(source, page) {
      const key = hintKey(source, page);
      const predicted = ctx.pageHints.get(key);
      const mine: Promise<unknown>[] = [];
      // Started beside the list call instead of one vendor round after it: the same loaders, so the
      // same calls when the page is unchanged.
      if (predicted) {
        for (const f of fields) {
          const ids = predicted.get(f.kind);
          if (ids && source.capabilities.has(f.capability)) start(mine, f, source, ids);
        }
      }
      pending.set(source.id, { key, predicted, mine });
    },
    listed(source, page, nodes) {
      const { key, predicted, mine } = pending.get(source.id) ?? { key: hintKey(source, page), predicted: undefined, mine: [] };
      pending.delete(source.id);
      // Started as soon as the page is known rather than once its rows are built; kinds this query
      // did not ask for keep what an earlier one learnt.
      const loads = new Map<LoaderKind, readonly string[]>(predicted);
      for (const f of fields) {
        if (!source.capabilities.has(f.capability)) continue;
        const ids: string[] = [];
        for (const node of nodes) if (f.lacks(node)) ids.push(node.vendorId);
        if (ids.length === 0) {
          loads.delete(f.kind);
          continue;
        }
        // Only what the prediction did not start (a second loadMany of the same keys sends nothing,
        // but costs a promise per key).
        const started = predicted?.get(f.kind);
        let fresh: readonly string[] = ids;
        if (started) {
          const set = sameIds(started, ids) ? undefined : new Set(started);
          fresh = set ? ids.filter((id) => !set.has(id)) : [];
        }
        if (fresh.length > 0) start(mine, f, source, fresh);
        loads.set(f.kind, ids);
      }
      ctx.pageHints.set(key, loads);
      loading.push(...mine);
    },
    failed(source, page) {
      const key = pending.get(source.id)?.key ?? hintKey(source, page);
      pending.delete(source.id);
      // While its vendor fails, the next requests send only the list call, not loads that would fail with it.
      ctx.pageHints.set(key, new Map());
    },
    async settled() {
      // loadMany answers errors in place and never rejects.
      if (loading.length > 0) await Promise.all(loading);
      // Vendor answers already received for this request's other fields are read first, and the
      // calls they lead to leave before this page's rows take the CPU.
      await nextTurn();
    },
  };
}
