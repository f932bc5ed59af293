import type { GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { badInput, unsupported } from '../core/errors.ts';
import type { GatewayContext } from './context.ts';
import type { Extension } from '../domain/types.ts';
import type { ConnectionModel, EdgeModel } from './models.ts';
import { rowSelection } from './lookahead.ts';
import { pagePrefetch, type PageArgs } from './prefetch.ts';
import { publicError } from './request-errors.ts';
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

/** Arguments of an extensions connection (any others are part of the page's identity too). */
export interface ConnectionArgs {
  [name: string]: unknown;
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
 * What the rows will load is the prefetch's business (server/prefetch.ts), told each source's page.
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

  // What every node will be asked; the prefetch loads what the records lack while the rows wait.
  const selection = rowSelection(info, ['edges', 'node']);
  const prefetch = pagePrefetch(ctx, selection);
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
    const page: PageArgs = { args, first: need, after };
    try {
      if (search !== undefined && !source.capabilities.has('EXTENSION_SEARCH')) throw unsupported('search', source.vendor, source.id);
      const wait = prefetch.turn(source);
      if (wait) await wait;
      const listed = ctx.loaders.ops(source).listExtensions({ search, first: need, after });
      prefetch.listing(source, page);
      const answer = await listed;
      if (single) {
        totalCount = answer.totalCount;
        hasPreviousPage = answer.hasPreviousPage;
      }
      const lastIndex = answer.hasNextPage ? -1 : answer.items.length - 1;
      const listedNodes = new Array<Extension>(answer.items.length);
      for (let k = 0; k < answer.items.length; k++) {
        const { node, cursor } = answer.items[k]!;
        ctx.loaders.prime(source, node);
        nodes.push(node);
        listedNodes[k] = node;
        cursors.push({ adapterCursor: cursor, endOfSource: k === lastIndex });
      }
      prefetch.listed(source, page, listedNodes);
      if (answer.hasNextPage) {
        hasNextPage = true;
        break;
      }
    } catch (err) {
      prefetch.failed(source, page);
      if (single) throw publicError(err, source.id);
      ctx.errors.report(err, responsePathAsArray(info.path), undefined, source.id);
    }
  }
  await prefetch.settled();
  const built = extensionRows(ctx, nodes, selection, responsePathAsArray(info.path), true);
  const rows = built instanceof Promise ? await built : built;
  const edges: EdgeModel[] = rows.map((node, k) => ({ node, adapterCursor: cursors[k]!.adapterCursor, endOfSource: cursors[k]!.endOfSource }));
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, first: edges[0], last: edges[edges.length - 1] },
    totalCount,
  };
}
