import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Gateway } from '../src/server/app.ts';

/** A graphql-ws client of a gateway, with the close codes it saw. */
export interface LiveClient {
  /** The graphql-ws client. */
  client: Client;
  /** Close codes of its socket, in order. */
  closed: number[];
  /** Disposes the client. */
  dispose(): Promise<void>;
}

/** One subscription's received events and errors. */
export interface Collected<D = any> {
  /** `data` of each event. */
  events: D[];
  /** Errors (GraphQL errors of a result, or the socket's error). */
  errors: any[];
  /** True once the server completed it. */
  readonly completed: boolean;
  /** Unsubscribes. */
  stop(): void;
}

/** A graphql-ws client over `ws`, not retrying (a refused key stays refused). */
export function liveClient(gateway: Gateway, connectionParams?: Record<string, unknown>): LiveClient {
  const closed: number[] = [];
  const client = createClient({
    url: gateway.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    ...(connectionParams ? { connectionParams } : {}),
    retryAttempts: 0,
    on: { closed: (e) => closed.push((e as { code: number }).code) },
  });
  return { client, closed, dispose: async () => client.dispose() };
}

/** Subscribes and collects what arrives. */
export function collect<D = any>(c: LiveClient, query: string, variables?: Record<string, unknown>): Collected<D> {
  const events: D[] = [];
  const errors: any[] = [];
  let completed = false;
  const stop = c.client.subscribe<D>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (r) => {
        if (r.errors) errors.push(...r.errors);
        if (r.data) events.push(r.data as D);
      },
      // A refused subscription's error is the list of its GraphQL errors.
      error: (e) => (Array.isArray(e) ? errors.push(...e) : errors.push(e)),
      complete: () => {
        completed = true;
      },
    },
  );
  return {
    events,
    errors,
    get completed() {
      return completed;
    },
    stop,
  };
}

/** Waits until `cond` holds, polling every 10 ms; throws after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Sleeps. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Requests a simulator served whose `METHOD path` contains `part`. */
export function served(requests: ReadonlyMap<string, number>, part: string): number {
  let n = 0;
  for (const [k, v] of requests) if (k.includes(part)) n += v;
  return n;
}
