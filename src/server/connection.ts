import type { GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { badInput, PbxError, unsupported } from '../core/errors.ts';
import type { GatewayContext } from './context.ts';
import type { Extension } from '../domain/types.ts';
import type { ConnectionModel, EdgeModel } from './models.ts';
import { LOADED_FIELDS, rowSelection, type LoadedField } from './lookahead.ts';
import { PageHints } from './page-hints.ts';
import type { LoaderKind } from '../core/loaders.ts';
import { extensionRows } from './rows.ts';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 500;
const MAX_SEARCH = 200;

/** Gateway cursor: which source, the adapter's own cursor there, and whether that source is done. */
interface CursorState {
  s: string;
  c: string;
  e?: 1;
}

const encodeCursor = (c: CursorState): string => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

/** The gateway cursor of an edge: its source, the adapter's cursor there, and whether that source ends. */
export const edgeCursor = (e: EdgeModel): string =>
  encodeCursor({ s: e.node.ext.sourceId, c: e.adapterCursor, ...(e.endOfSource ? { e: 1 as const } : {}) });

function decodeCursor(cursor: string): CursorState {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && typeof (v as CursorState).s === 'string' && typeof (v as CursorState).c === 'string') return v as CursorState;
  } catch {
    // falls through to the error below
  }
  throw badInput('`after` is not a cursor of this connection');
}

/** The same ids in the same order. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Arguments of an extensions connection. */
export interface ConnectionArgs {
  /** Search text. */
  search?: string | null | undefined;
  /** Page size. */
  first?: number | null | undefined;
  /** Gateway cursor. */
  after?: string | null | undefined;
}

/**
 * One page of extensions over one or several sources, in source order. With several sources, a
 * failing one is skipped and reported with partial data; with one, its error is the field's error.
 */
export async function extensionsConnection(sources: readonly SourceAdapter[], args: ConnectionArgs, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<ConnectionModel> {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  const search = args.search ?? undefined;
  if (search !== undefined && search.length > MAX_SEARCH) throw badInput(`search must be at most ${MAX_SEARCH} characters`);
  const single = sources.length === 1;

  let startIndex = 0;
  let adapterAfter: string | undefined;
  if (args.after) {
    const cur = decodeCursor(args.after);
    const i = sources.findIndex((s) => s.id === cur.s);
    if (i < 0) throw badInput('`after` is not a cursor of this connection');
    startIndex = cur.e ? i + 1 : i;
    adapterAfter = cur.e ? undefined : cur.c;
  }

  // What every node will be asked for that its record may lack (a PortSIP list has no status).
  const selection = rowSelection(info, ['edges', 'node']);
  const loaded = new Set<LoadedField>();
  for (const name of selection.keys()) loaded.add(LOADED_FIELDS[name]);

  // The loads this page's rows will ask for, per source that answered its page: the rows resolve
  // once they are in, and read them at once (server/rows.ts). A source whose list failed is not
  // waited for: its predicted loads would fail with it, perhaps only at their timeout.
  const loading: Promise<unknown>[] = [];
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
  const nodes: Extension[] = [];
  const cursors: { adapterCursor: string; endOfSource: boolean }[] = [];
  let hasNextPage = false;
  let hasPreviousPage = Boolean(args.after);
  let totalCount: number | null = null;
  for (let i = startIndex; i < sources.length; i++) {
    const source = sources[i]!;
    const need = first - nodes.length;
    if (need === 0) {
      hasNextPage = true;
      break;
    }
    const after = i === startIndex ? adapterAfter : undefined;
    const hintKey = PageHints.key(source.id, search, need, after);
    const mine: Promise<unknown>[] = [];
    try {
      if (search !== undefined && !source.capabilities.has('EXTENSION_SEARCH')) throw unsupported('search', source.vendor, source.id);
      // Critical path first: a source whose list records carry all this query needs is asked one turn
      // of the event loop later, so the list calls that lead to a second round (PortSIP's status)
      // leave first instead of after every other source's request has been built.
      if (![...loaded].some((f) => source.capabilities.has(f.capability) && !source.listCarries.has(f.capability))) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const listed = ctx.loaders.ops(source).listExtensions({ search, first: need, after });
      // The loads this page led to last time start now, beside the list call, instead of one vendor
      // round after it (PortSIP's status batch): the same loaders, so the same calls when the page
      // is unchanged (page-hints.ts).
      const predicted = ctx.pageHints.get(hintKey);
      if (predicted) {
        for (const f of loaded) {
          const ids = predicted.get(f.kind);
          if (ids && source.capabilities.has(f.capability)) start(mine, f, source, ids);
        }
      }
      const page = await listed;
      if (single) {
        totalCount = page.totalCount;
        hasPreviousPage = page.hasPreviousPage;
      }
      const lastIndex = page.hasNextPage ? -1 : page.items.length - 1;
      for (let k = 0; k < page.items.length; k++) {
        const { node, cursor } = page.items[k]!;
        ctx.loaders.prime(source, node);
        nodes.push(node);
        cursors.push({ adapterCursor: cursor, endOfSource: k === lastIndex });
      }
      // Start those loads now, as building these rows would: the same loaders and keys (so
      // the same vendor calls, and none for the ids predicted above), but sent as soon as the
      // page is known instead of after every row of it has been resolved. On a dashboard whose page
      // was not predicted this is the second vendor round's start. What they are is remembered for
      // the next request of this page; kinds this query did not ask for keep what an earlier one learnt.
      const loads = new Map<LoaderKind, readonly string[]>(predicted);
      for (const f of loaded) {
        if (!source.capabilities.has(f.capability)) continue;
        const ids = page.items.filter((item) => f.lacks(item.node)).map((item) => item.node.vendorId);
        if (ids.length === 0) {
          loads.delete(f.kind);
          continue;
        }
        // Only what the prediction did not start: an unchanged page starts nothing more here (a
        // second loadMany of the same keys sends nothing, but costs a promise per key).
        const started = predicted?.get(f.kind);
        let fresh = ids;
        if (started) {
          const set = sameIds(started, ids) ? undefined : new Set(started);
          fresh = set ? ids.filter((id) => !set.has(id)) : [];
        }
        if (fresh.length > 0) start(mine, f, source, fresh);
        loads.set(f.kind, ids);
      }
      ctx.pageHints.set(hintKey, loads);
      loading.push(...mine);
      if (page.hasNextPage) {
        hasNextPage = true;
        break;
      }
    } catch (err) {
      // A page that did not come back is forgotten: while its vendor fails, the next requests send
      // only the list call, not the loads predicted beside it (they would fail with it).
      ctx.pageHints.set(hintKey, new Map());
      const pe = err instanceof PbxError ? err : new PbxError('INTERNAL_SERVER_ERROR', 'Internal server error', source.id, { cause: err });
      if (single) throw pe;
      ctx.partialErrors.push({ error: pe, path: responsePathAsArray(info.path) });
    }
  }
  // loadMany answers errors in place and never rejects.
  if (loading.length > 0) await Promise.all(loading);
  // The rows are built one turn of the event loop later: vendor answers already received for this
  // request's other fields are read first, and the calls they lead to leave before this page's rows
  // take the CPU. Everything they ask has been loaded by now, so building them is synchronous.
  await new Promise((resolve) => setImmediate(resolve));
  const built = extensionRows(ctx, nodes, selection, responsePathAsArray(info.path), true);
  const rows = built instanceof Promise ? await built : built;
  const edges: EdgeModel[] = rows.map((node, k) => ({ node, adapterCursor: cursors[k]!.adapterCursor, endOfSource: cursors[k]!.endOfSource }));
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, first: edges[0], last: edges[edges.length - 1] },
    totalCount,
  };
}
