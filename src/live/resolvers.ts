import { responsePathAsArray } from 'graphql';
import type { SourceAdapter } from '../core/adapter.ts';
import { badInput, notFound, PbxError, unsupported } from '../core/errors.ts';
import type { CircuitState } from '../core/http.ts';
import type { CircuitState as SchemaCircuitState, Resolvers } from '../generated/graphql.ts';
import type { GatewayContext } from '../server/context.ts';
import { rowSelection } from '../server/lookahead.ts';
import { extensionRows } from '../server/rows.ts';
import type { LiveHub } from './hub.ts';

/** What a subscription's context adds to a request's: the hub, and how to drop its socket. */
export interface LiveSession {
  /** This replica's live hub. */
  hub: LiveHub;
  /** Drops the subscriber's socket (it could not keep up). */
  dropSlowClient(): void;
  /** A fresh request context for this subscription (one per event, as one per HTTP request). */
  newContext(): GatewayContext;
}

/** A subscription's context: a request context (createContext) plus its live session. */
export type LiveContext = GatewayContext & { live?: LiveSession };

/** Most numbers one subscription may name. */
const MAX_NUMBERS = 500;

function sessionOf(ctx: GatewayContext): LiveSession {
  const live = (ctx as LiveContext).live;
  // Over HTTP no subscription runs (Apollo refuses the operation before any resolver).
  if (!live) throw badInput('subscriptions are served over WebSocket (graphql-transport-ws) on /graphql');
  return live;
}

/** The visible sources a subscription names (one, or every one with STATUS); unknown is NOT_FOUND, no call. */
function statusSources(ctx: GatewayContext, pbx: string | null | undefined): SourceAdapter[] {
  if (pbx === null || pbx === undefined) {
    const all = ctx.sources.list.filter((s) => s.capabilities.has('STATUS'));
    if (all.length === 0) throw notFound('a source with live status');
    return all;
  }
  const source = ctx.sources.get(pbx);
  if (!source) throw notFound(`pbx ${JSON.stringify(pbx).slice(0, 80)}`);
  if (!source.capabilities.has('STATUS')) throw unsupported('live status', source.vendor, source.id);
  return [source];
}

const CIRCUIT: { readonly [S in CircuitState]: SchemaCircuitState } = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF_OPEN' };

/** The Subscription root and its event types (merged into the schema's resolver map). */
export const liveResolvers: Pick<Resolvers, 'Subscription' | 'ExtensionStatusEvent' | 'PbxHealthEvent'> = {
  Subscription: {
    extensionStatusChanged: {
      async subscribe(_p, { pbx, numbers }, ctx) {
        const live = sessionOf(ctx);
        const sources = statusSources(ctx, pbx);
        if (numbers && numbers.length > MAX_NUMBERS) throw badInput(`numbers: at most ${MAX_NUMBERS}`);
        if (numbers?.some((n) => n.length === 0 || n.length > 64)) throw badInput('numbers: each 1 to 64 characters');
        return live.hub.statusEvents(sources, numbers ?? undefined, ctx.caller.name, () => live.dropSlowClient());
      },
      resolve: (event: unknown) => event as never,
    },
    pbxHealthChanged: {
      subscribe(_p, { pbx }, ctx) {
        const live = sessionOf(ctx);
        let sources: readonly SourceAdapter[] = ctx.sources.list;
        if (pbx !== null && pbx !== undefined) {
          const source = ctx.sources.get(pbx);
          if (!source) throw notFound(`pbx ${JSON.stringify(pbx).slice(0, 80)}`);
          sources = [source];
        }
        return live.hub.healthEvents(sources, ctx.caller.name, () => live.dropSlowClient());
      },
      resolve: (event: unknown) => event as never,
    },
  },
  ExtensionStatusEvent: {
    // Resolved as any query resolves an Extension: the event's record primes the event's loaders.
    async extension(event, _a, ctx, info) {
      const source = ctx.sources.get(event.ext.sourceId);
      if (!source) throw new PbxError('NOT_FOUND', 'extension not found');
      ctx.loaders.prime(source, event.ext);
      const rows = await extensionRows(ctx, [event.ext], rowSelection(info, []), responsePathAsArray(info.path), false);
      return rows[0]!;
    },
    status: (event) => event.status.status,
    previousStatus: (event) => event.previous.status,
    statusDetail: (event) => event.status,
    at: (event) => event.at,
  },
  PbxHealthEvent: {
    pbx: (event) => event.source,
    up: (event) => event.state !== 'open',
    state: (event) => CIRCUIT[event.state],
    at: (event) => event.at,
  },
};
